import { chmodSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { StoredStatus } from '../../domain/qr-login/state-machine.js';
import {
  type AppPatch,
  type AppRecord,
  type AuditRecord,
  type AuditStore,
  ConflictError,
  type ConsumedTicket,
  type CounterState,
  type CounterStore,
  DEFAULT_POOL_SECURITY,
  type DirectoryStore,
  type KeyStore,
  type PoolRecord,
  type PublicIdRotation,
  type QrSessionRecord,
  type QrSessionStore,
  type SigningKeyRecord,
  type Storage,
  type TransitionRequest,
  type UserPatch,
  type UserRecord,
  type WebSessionRecord,
  type WebSessionStore,
} from '../contracts.js';
import { LocalSessionEvents } from '../local-events.js';
import { WalCheckpointer } from './checkpointer.js';
import { GroupCommit } from './group-commit.js';
import { migrations } from './migrations.js';
import { SqliteOidcArtifacts } from './oidc.js';

type Row = Record<string, unknown>;

/** Applies pending migrations; returns the schema version reached. */
export function migrateSqlite(db: Database.Database): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (let v = current; v < migrations.length; v++) {
    db.transaction(() => {
      db.exec(migrations[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
  return migrations.length;
}

/** Opens (creating if needed) the database file; `:memory:` for a throwaway one. */
export function openSqlite(file: string): Database.Database {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const db = new Database(file);
  if (file !== ':memory:') chmodSync(file, 0o600);
  db.pragma('journal_mode = WAL');
  // NORMAL is durable across application crashes in WAL mode; only a power
  // loss may drop the last transactions, which are QR sessions and counters.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // 32 MiB of page cache (default 2 MiB): polling many waiting codes keeps their rows in memory.
  db.pragma('cache_size = -32768');
  migrateSqlite(db);
  return db;
}

const json = (v: unknown): string => JSON.stringify(v);
const parseObj = (v: unknown): Record<string, unknown> => (typeof v === 'string' ? JSON.parse(v) : {});

function toPool(r: Row): PoolRecord {
  return {
    id: r.id as string,
    name: r.name as string,
    rsaPublicKey: r.rsa_public_key as string,
    rsaPrivateKey: r.rsa_private_key as string,
    // Settings added later take their defaults in pools stored before them.
    security: { ...DEFAULT_POOL_SECURITY, ...parseObj(r.security) },
    createdAt: r.created_at as number,
  };
}

function toUser(r: Row): UserRecord {
  return {
    id: r.id as string,
    poolId: r.pool_id as string,
    username: (r.username as string | null) ?? null,
    email: (r.email as string | null) ?? null,
    phone: (r.phone as string | null) ?? null,
    passwordHash: (r.password_hash as string | null) ?? null,
    nickname: (r.nickname as string | null) ?? null,
    photo: (r.photo as string | null) ?? null,
    blocked: r.blocked === 1,
    customData: parseObj(r.custom_data),
    createdAt: r.created_at as number,
    updatedAt: r.updated_at as number,
  };
}

function toSession(r: Row): QrSessionRecord {
  return {
    random: r.random as string,
    publicId: r.public_id as string,
    publicIdExpiresAt: (r.public_id_expires_at as number | null) ?? null,
    appId: r.app_id as string,
    poolId: r.pool_id as string,
    status: r.status as StoredStatus,
    createdAt: r.created_at as number,
    expiresAt: r.expires_at as number,
    customData: r.custom_data == null ? null : parseObj(r.custom_data),
    userId: (r.user_id as string | null) ?? null,
    ticket: (r.ticket as string | null) ?? null,
    ticketExpiresAt: (r.ticket_expires_at as number | null) ?? null,
    ticketUsed: r.ticket_used === 1,
    seq: r.seq as number,
    requestContext: r.request_context == null ? null : JSON.parse(r.request_context as string),
    checkCode: (r.check_code as number | null) ?? null,
    checkChoices: r.check_choices == null ? null : JSON.parse(r.check_choices as string),
    bindingHash: (r.binding_hash as string | null) ?? null,
  };
}

function toKey(r: Row): SigningKeyRecord {
  return {
    kid: r.kid as string,
    alg: r.alg as 'ES256',
    privateJwk: r.private_jwk as string,
    publicJwk: r.public_jwk as string,
    createdAt: r.created_at as number,
    retiredAt: (r.retired_at as number | null) ?? null,
  };
}

/** A write (in the group commit) whose unique clash becomes the contract's ConflictError. */
function writeUnique<T>(writes: GroupCommit, write: () => T): Promise<T> {
  return writes.run(() => {
    try {
      return write();
    } catch (err) {
      return rethrowConflict(err);
    }
  });
}

/** Maps SQLite's unique-constraint failure to the contract's ConflictError. */
function rethrowConflict(err: unknown): never {
  if (err instanceof Error && (err as { code?: string }).code?.startsWith('SQLITE_CONSTRAINT')) {
    // Unique indexes are (pool_id, field): the clashing field is the last column named.
    const m = /UNIQUE constraint failed: .*\.(\w+)$/.exec(err.message);
    throw new ConflictError(m?.[1] ?? (/PRIMARY|FOREIGN/.test(err.message) ? 'id' : 'unique field'));
  }
  throw err;
}

/**
 * The embedded default: every contract served from one SQLite file with
 * prepared statements. better-sqlite3 is synchronous, so each statement is
 * atomic with respect to every other request of this process; the
 * compare-and-set and single-use consume are single UPDATE statements, which
 * also makes them atomic across processes sharing the file.
 */
export class SqliteStorage implements Storage {
  readonly db: Database.Database;
  readonly directory: DirectoryStore;
  readonly keys: KeyStore;
  readonly sessions: QrSessionStore;
  readonly counters: CounterStore;
  readonly events = new LocalSessionEvents();
  readonly audit: AuditStore;
  readonly webSessions: WebSessionStore;
  readonly oidc: SqliteOidcArtifacts;

  readonly #checkpointer: WalCheckpointer | null;
  readonly #writes: GroupCommit;

  /** `backgroundCheckpoints`: write the log back from a worker thread (see WalCheckpointer). */
  constructor(
    file: string,
    opts: { backgroundCheckpoints?: boolean | { everyMs?: number; limitPages?: number } } = {},
  ) {
    this.db = openSqlite(file);
    const bg = opts.backgroundCheckpoints;
    this.#checkpointer =
      bg && file !== ':memory:' ? new WalCheckpointer(this.db, file, bg === true ? {} : bg) : null;
    this.#writes = new GroupCommit(this.db);
    this.directory = new SqliteDirectory(this.db, this.#writes);
    this.keys = new SqliteKeys(this.db, this.#writes);
    this.sessions = new SqliteSessions(this.db, this.#writes);
    this.counters = new SqliteCounters(this.db, this.#writes);
    this.audit = new SqliteAudit(this.db, this.#writes);
    this.webSessions = new SqliteWebSessions(this.db, this.#writes);
    this.oidc = new SqliteOidcArtifacts(this.db, this.#writes);
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    if (this.db.open) this.#writes.flush();
    await this.#checkpointer?.stop();
    if (this.db.open) this.db.close();
  }
}

class SqliteDirectory implements DirectoryStore {
  readonly #s;
  constructor(
    private readonly db: Database.Database,
    private readonly writes: GroupCommit,
  ) {
    this.#s = {
      insertPool: db.prepare(
        'INSERT INTO pools (id, name, rsa_public_key, rsa_private_key, security, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      getPool: db.prepare('SELECT * FROM pools WHERE id = ?'),
      listPools: db.prepare('SELECT * FROM pools ORDER BY created_at, id'),
      insertApp: db.prepare(
        'INSERT INTO apps (id, pool_id, name, logo, secret_hash, qr_settings, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      getApp: db.prepare('SELECT * FROM apps WHERE id = ?'),
      listApps: db.prepare('SELECT * FROM apps ORDER BY created_at, id'),
      listAppsOfPool: db.prepare('SELECT * FROM apps WHERE pool_id = ? ORDER BY created_at, id'),
      originsOf: db.prepare('SELECT origin FROM app_origins WHERE app_id = ? ORDER BY origin'),
      insertOrigin: db.prepare('INSERT OR IGNORE INTO app_origins (app_id, origin) VALUES (?, ?)'),
      deleteOrigins: db.prepare('DELETE FROM app_origins WHERE app_id = ?'),
      anyOrigin: db.prepare('SELECT 1 FROM app_origins WHERE origin = ? LIMIT 1'),
      deleteApp: db.prepare('DELETE FROM apps WHERE id = ?'),
      insertUser: db.prepare(
        `INSERT INTO users (id, pool_id, username, email, phone, password_hash, nickname, photo, blocked,
          custom_data, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      getUser: db.prepare('SELECT * FROM users WHERE id = ?'),
      // Three index lookups rather than one OR so each uses its unique index.
      byUsername: db.prepare('SELECT * FROM users WHERE pool_id = ? AND username = ?'),
      byEmail: db.prepare('SELECT * FROM users WHERE pool_id = ? AND email = ?'),
      byPhone: db.prepare('SELECT * FROM users WHERE pool_id = ? AND phone = ?'),
      listUsers: db.prepare('SELECT * FROM users WHERE pool_id = ? ORDER BY created_at, id LIMIT ? OFFSET ?'),
      deleteUser: db.prepare('DELETE FROM users WHERE id = ?'),
      getMeta: db.prepare('SELECT value FROM meta WHERE key = ?'),
      setMeta: db.prepare(
        'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
      ),
      claimMeta: db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO NOTHING'),
    };
  }

  #toApp(r: Row): AppRecord {
    return {
      id: r.id as string,
      poolId: r.pool_id as string,
      name: r.name as string,
      logo: (r.logo as string | null) ?? null,
      secretHash: r.secret_hash as string,
      allowedOrigins: (this.#s.originsOf.all(r.id) as Row[]).map((o) => o.origin as string),
      qr: JSON.parse(r.qr_settings as string),
      createdAt: r.created_at as number,
    };
  }

  insertPool(p: PoolRecord): Promise<void> {
    return writeUnique(this.writes, () => {
      this.#s.insertPool.run(p.id, p.name, p.rsaPublicKey, p.rsaPrivateKey, json(p.security), p.createdAt);
    });
  }
  async getPool(id: string): Promise<PoolRecord | null> {
    const r = this.#s.getPool.get(id) as Row | undefined;
    return r ? toPool(r) : null;
  }
  async listPools(): Promise<PoolRecord[]> {
    return (this.#s.listPools.all() as Row[]).map(toPool);
  }
  updatePool(id: string, patch: Partial<Pick<PoolRecord, 'name' | 'security'>>): Promise<PoolRecord | null> {
    return this.writes.run(
      this.db.transaction(() => {
        const r = this.#s.getPool.get(id) as Row | undefined;
        if (!r) return null;
        const next = { ...toPool(r), ...patch };
        this.db
          .prepare('UPDATE pools SET name = ?, security = ? WHERE id = ?')
          .run(next.name, json(next.security), id);
        return next;
      }),
    );
  }

  insertApp(a: AppRecord): Promise<void> {
    return writeUnique(this.writes, () => {
      this.db.transaction(() => {
        this.#s.insertApp.run(a.id, a.poolId, a.name, a.logo, a.secretHash, json(a.qr), a.createdAt);
        for (const o of a.allowedOrigins) this.#s.insertOrigin.run(a.id, o);
      })();
    });
  }
  async getApp(id: string): Promise<AppRecord | null> {
    const r = this.#s.getApp.get(id) as Row | undefined;
    return r ? this.#toApp(r) : null;
  }
  async listApps(poolId?: string): Promise<AppRecord[]> {
    const rows = (poolId ? this.#s.listAppsOfPool.all(poolId) : this.#s.listApps.all()) as Row[];
    return rows.map((r) => this.#toApp(r));
  }
  updateApp(id: string, patch: AppPatch): Promise<AppRecord | null> {
    return this.writes.run(
      this.db.transaction(() => {
        const r = this.#s.getApp.get(id) as Row | undefined;
        if (!r) return null;
        const cur = this.#toApp(r);
        const next = { ...cur, ...patch };
        this.db
          .prepare('UPDATE apps SET name = ?, logo = ?, secret_hash = ?, qr_settings = ? WHERE id = ?')
          .run(next.name, next.logo, next.secretHash, json(next.qr), id);
        if (patch.allowedOrigins) {
          this.#s.deleteOrigins.run(id);
          for (const o of patch.allowedOrigins) this.#s.insertOrigin.run(id, o);
        }
        return this.#toApp(this.#s.getApp.get(id) as Row);
      }),
    );
  }
  deleteApp(id: string): Promise<boolean> {
    return this.writes.run(() => {
      return this.#s.deleteApp.run(id).changes > 0;
    });
  }
  async isOriginAllowedByAnyApp(origin: string): Promise<boolean> {
    return this.#s.anyOrigin.get(origin) !== undefined;
  }

  insertUser(u: UserRecord): Promise<void> {
    return writeUnique(this.writes, () => {
      this.#s.insertUser.run(
        u.id,
        u.poolId,
        u.username,
        u.email,
        u.phone,
        u.passwordHash,
        u.nickname,
        u.photo,
        u.blocked ? 1 : 0,
        json(u.customData),
        u.createdAt,
        u.updatedAt,
      );
    });
  }
  async getUser(id: string): Promise<UserRecord | null> {
    const r = this.#s.getUser.get(id) as Row | undefined;
    return r ? toUser(r) : null;
  }
  async findUserByAccount(poolId: string, account: string): Promise<UserRecord | null> {
    const r = (this.#s.byUsername.get(poolId, account) ??
      this.#s.byEmail.get(poolId, account) ??
      this.#s.byPhone.get(poolId, account)) as Row | undefined;
    return r ? toUser(r) : null;
  }
  async listUsers(poolId: string, opts: { limit?: number; offset?: number } = {}): Promise<UserRecord[]> {
    return (this.#s.listUsers.all(poolId, opts.limit ?? 100, opts.offset ?? 0) as Row[]).map(toUser);
  }
  updateUser(id: string, patch: UserPatch, now: number): Promise<UserRecord | null> {
    return writeUnique(this.writes, () => {
      return this.db.transaction(() => {
        const r = this.#s.getUser.get(id) as Row | undefined;
        if (!r) return null;
        const n = { ...toUser(r), ...patch, updatedAt: now };
        this.db
          .prepare(
            `UPDATE users SET username = ?, email = ?, phone = ?, password_hash = ?, nickname = ?, photo = ?,
              blocked = ?, custom_data = ?, updated_at = ? WHERE id = ?`,
          )
          .run(
            n.username,
            n.email,
            n.phone,
            n.passwordHash,
            n.nickname,
            n.photo,
            n.blocked ? 1 : 0,
            json(n.customData),
            n.updatedAt,
            id,
          );
        return n;
      })();
    });
  }
  deleteUser(id: string): Promise<boolean> {
    return this.writes.run(() => {
      return this.#s.deleteUser.run(id).changes > 0;
    });
  }

  async getMeta(key: string): Promise<string | null> {
    const r = this.#s.getMeta.get(key) as Row | undefined;
    return r ? (r.value as string) : null;
  }
  setMeta(key: string, value: string): Promise<void> {
    return this.writes.run(() => {
      this.#s.setMeta.run(key, value);
    });
  }
  claimMeta(key: string, value: string): Promise<boolean> {
    return this.writes.run(() => {
      return this.#s.claimMeta.run(key, value).changes === 1;
    });
  }
}

class SqliteKeys implements KeyStore {
  readonly #s;
  constructor(
    db: Database.Database,
    private readonly writes: GroupCommit,
  ) {
    this.#s = {
      list: db.prepare('SELECT * FROM signing_keys ORDER BY created_at, kid'),
      insert: db.prepare(
        'INSERT INTO signing_keys (kid, alg, private_jwk, public_jwk, created_at, retired_at) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      retire: db.prepare('UPDATE signing_keys SET retired_at = ? WHERE kid = ? AND retired_at IS NULL'),
      delete: db.prepare('DELETE FROM signing_keys WHERE kid = ?'),
    };
  }
  async listKeys(): Promise<SigningKeyRecord[]> {
    return (this.#s.list.all() as Row[]).map(toKey);
  }
  insertKey(k: SigningKeyRecord): Promise<void> {
    return writeUnique(this.writes, () => {
      this.#s.insert.run(k.kid, k.alg, k.privateJwk, k.publicJwk, k.createdAt, k.retiredAt);
    });
  }
  retireKey(kid: string, at: number): Promise<void> {
    return this.writes.run(() => {
      this.#s.retire.run(at, kid);
    });
  }
  deleteKey(kid: string): Promise<void> {
    return this.writes.run(() => {
      this.#s.delete.run(kid);
    });
  }
}

class SqliteSessions implements QrSessionStore {
  readonly #s;
  constructor(
    db: Database.Database,
    private readonly writes: GroupCommit,
  ) {
    this.#s = {
      insert: db.prepare(
        `INSERT INTO qr_sessions (random, app_id, pool_id, status, created_at, expires_at, custom_data, user_id,
          ticket, ticket_expires_at, ticket_used, seq, request_context, check_code, check_choices, binding_hash,
          public_id, public_id_expires_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      get: db.prepare('SELECT * FROM qr_sessions WHERE random = ?'),
      byPublicId: db.prepare('SELECT * FROM qr_sessions WHERE public_id = ?'),
      rotate: db.prepare(
        `UPDATE qr_sessions SET public_id = @publicId, public_id_expires_at = @publicIdExpiresAt
         WHERE random = @random AND status = 0 AND expires_at > @now
         RETURNING *`,
      ),
      // The whole compare-and-set is this one statement.
      transition: db.prepare(
        `UPDATE qr_sessions SET status = @to, seq = seq + 1,
           user_id = CASE WHEN @setUser THEN @userId ELSE user_id END,
           ticket = CASE WHEN @setTicket THEN @ticket ELSE ticket END,
           ticket_expires_at = CASE WHEN @setTicket THEN @ticketExpiresAt ELSE ticket_expires_at END
         WHERE random = @random AND (status = @from OR status = @fromAlt) AND expires_at > @now
           AND (@expectUserId IS NULL OR user_id = @expectUserId)
         RETURNING *`,
      ),
      peek: db.prepare(
        'SELECT app_id, random FROM qr_sessions WHERE ticket = ? AND ticket_used = 0 AND ticket_expires_at > ?',
      ),
      consume: db.prepare(
        `UPDATE qr_sessions SET ticket_used = 1
         WHERE ticket = ? AND app_id = ? AND ticket_used = 0 AND ticket_expires_at > ?
         RETURNING random, app_id, pool_id, user_id`,
      ),
      // A session is useless once its code expired and its ticket (if any) expired or was used.
      deleteExpired: db.prepare(
        `DELETE FROM qr_sessions WHERE expires_at <= @now
           AND (ticket_expires_at IS NULL OR ticket_expires_at <= @now OR ticket_used = 1)`,
      ),
    };
  }
  createSession(s: QrSessionRecord): Promise<void> {
    return writeUnique(this.writes, () => {
      this.#s.insert.run(
        s.random,
        s.appId,
        s.poolId,
        s.status,
        s.createdAt,
        s.expiresAt,
        s.customData ? json(s.customData) : null,
        s.userId,
        s.ticket,
        s.ticketExpiresAt,
        s.ticketUsed ? 1 : 0,
        s.seq,
        s.requestContext ? json(s.requestContext) : null,
        s.checkCode,
        s.checkChoices ? json(s.checkChoices) : null,
        s.bindingHash,
        s.publicId,
        s.publicIdExpiresAt,
      );
    });
  }
  async getSession(random: string): Promise<QrSessionRecord | null> {
    const r = this.#s.get.get(random) as Row | undefined;
    return r ? toSession(r) : null;
  }
  async findByPublicId(publicId: string): Promise<QrSessionRecord | null> {
    const r = this.#s.byPublicId.get(publicId) as Row | undefined;
    return r ? toSession(r) : null;
  }
  rotatePublicId(random: string, next: PublicIdRotation): Promise<QrSessionRecord | null> {
    return writeUnique(this.writes, () => {
      const r = this.#s.rotate.get({ random, ...next }) as Row | undefined;
      return r ? toSession(r) : null;
    });
  }
  transition(random: string, req: TransitionRequest): Promise<QrSessionRecord | null> {
    // A clash here is a ticket already held by another session.
    return writeUnique(this.writes, () => {
      // The statement compares with two statuses; no rule of the transitions table has more.
      if (Array.isArray(req.from) && req.from.length > 2)
        throw new Error('transition: at most two from-statuses');
      const r = this.#run(random, req, req.set ?? {});
      return r ? toSession(r) : null;
    });
  }
  #run(random: string, req: TransitionRequest, set: NonNullable<TransitionRequest['set']>): Row | undefined {
    return this.#s.transition.get({
      random,
      // Each rule starts from one or two statuses (see the transitions table).
      from: Array.isArray(req.from) ? req.from[0] : req.from,
      fromAlt: Array.isArray(req.from) ? (req.from[1] ?? req.from[0]) : req.from,
      to: req.to,
      now: req.now,
      expectUserId: req.expectUserId ?? null,
      setUser: 'userId' in set ? 1 : 0,
      userId: set.userId ?? null,
      setTicket: 'ticket' in set ? 1 : 0,
      ticket: set.ticket ?? null,
      ticketExpiresAt: set.ticketExpiresAt ?? null,
    }) as Row | undefined;
  }
  async peekTicket(ticket: string, now: number): Promise<{ appId: string; random: string } | null> {
    const r = this.#s.peek.get(ticket, now) as Row | undefined;
    return r ? { appId: r.app_id as string, random: r.random as string } : null;
  }
  consumeTicket(ticket: string, appId: string, now: number): Promise<ConsumedTicket | null> {
    return this.writes.run(() => {
      const r = this.#s.consume.get(ticket, appId, now) as Row | undefined;
      return r
        ? {
            random: r.random as string,
            appId: r.app_id as string,
            poolId: r.pool_id as string,
            userId: r.user_id as string,
          }
        : null;
    });
  }
  deleteExpired(now: number): Promise<number> {
    return this.writes.run(() => {
      return this.#s.deleteExpired.run({ now }).changes;
    });
  }
}

class SqliteCounters implements CounterStore {
  readonly #s;
  constructor(
    db: Database.Database,
    private readonly writes: GroupCommit,
  ) {
    this.#s = {
      increment: db.prepare(
        `INSERT INTO counters (key, count, reset_at) VALUES (@key, 1, @resetAt)
         ON CONFLICT(key) DO UPDATE SET
           count = CASE WHEN reset_at <= @now THEN 1 ELSE count + 1 END,
           reset_at = CASE WHEN reset_at <= @now THEN @resetAt ELSE reset_at END
         RETURNING count, reset_at`,
      ),
      get: db.prepare('SELECT count, reset_at FROM counters WHERE key = ? AND reset_at > ?'),
      reset: db.prepare('DELETE FROM counters WHERE key = ?'),
    };
  }
  increment(key: string, windowMs: number, now: number): Promise<CounterState> {
    return this.writes.run(() => {
      const r = this.#s.increment.get({ key, now, resetAt: now + windowMs }) as Row;
      return { count: r.count as number, resetAt: r.reset_at as number };
    });
  }
  async get(key: string, now: number): Promise<CounterState | null> {
    const r = this.#s.get.get(key, now) as Row | undefined;
    return r ? { count: r.count as number, resetAt: r.reset_at as number } : null;
  }
  reset(key: string): Promise<void> {
    return this.writes.run(() => {
      this.#s.reset.run(key);
    });
  }
}

function toAudit(r: Row): AuditRecord {
  return {
    id: r.id as string,
    at: r.at as number,
    poolId: r.pool_id as string,
    userId: r.user_id as string,
    appId: r.app_id as string,
    random: r.random as string,
    outcome: r.outcome as AuditRecord['outcome'],
    requestContext: r.request_context == null ? null : JSON.parse(r.request_context as string),
    deviceIp: (r.device_ip as string | null) ?? null,
  };
}

class SqliteAudit implements AuditStore {
  readonly #s;
  constructor(
    db: Database.Database,
    private readonly writes: GroupCommit,
  ) {
    this.#s = {
      append: db.prepare(
        `INSERT INTO qr_audit (id, at, pool_id, user_id, app_id, random, outcome, request_context, device_ip)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      byUser: db.prepare('SELECT * FROM qr_audit WHERE user_id = ? ORDER BY at DESC, id DESC LIMIT ?'),
      byPool: db.prepare(
        'SELECT * FROM qr_audit WHERE pool_id = ? AND at < ? ORDER BY at DESC, id DESC LIMIT ?',
      ),
    };
  }
  append(a: AuditRecord): Promise<void> {
    return this.writes.run(() => {
      this.#s.append.run(
        a.id,
        a.at,
        a.poolId,
        a.userId,
        a.appId,
        a.random,
        a.outcome,
        a.requestContext ? json(a.requestContext) : null,
        a.deviceIp,
      );
    });
  }
  async listByUser(userId: string, limit: number): Promise<AuditRecord[]> {
    return (this.#s.byUser.all(userId, limit) as Row[]).map(toAudit);
  }
  async listByPool(poolId: string, limit: number, before = Number.MAX_SAFE_INTEGER): Promise<AuditRecord[]> {
    return (this.#s.byPool.all(poolId, before, limit) as Row[]).map(toAudit);
  }
}

function toWebSession(r: Row): WebSessionRecord {
  return {
    id: r.id as string,
    poolId: r.pool_id as string,
    userId: r.user_id as string,
    appId: r.app_id as string,
    random: r.random as string,
    createdAt: r.created_at as number,
    expiresAt: r.expires_at as number,
    revokedAt: (r.revoked_at as number | null) ?? null,
    requestContext: r.request_context == null ? null : JSON.parse(r.request_context as string),
  };
}

class SqliteWebSessions implements WebSessionStore {
  readonly #s;
  constructor(
    db: Database.Database,
    private readonly writes: GroupCommit,
  ) {
    this.#s = {
      insert: db.prepare(
        `INSERT INTO web_sessions (id, pool_id, user_id, app_id, random, created_at, expires_at, revoked_at,
          request_context) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      get: db.prepare('SELECT * FROM web_sessions WHERE id = ?'),
      listLive: db.prepare(
        `SELECT * FROM web_sessions WHERE user_id = ? AND revoked_at IS NULL AND expires_at > ?
         ORDER BY created_at DESC, id DESC`,
      ),
      revoke: db.prepare(
        `UPDATE web_sessions SET revoked_at = @at
         WHERE id = @id AND user_id = @userId AND revoked_at IS NULL AND expires_at > @at`,
      ),
      revokeAll: db.prepare(
        'UPDATE web_sessions SET revoked_at = @at WHERE user_id = @userId AND revoked_at IS NULL AND expires_at > @at',
      ),
      deleteExpired: db.prepare('DELETE FROM web_sessions WHERE expires_at <= ?'),
    };
  }
  insert(w: WebSessionRecord): Promise<void> {
    return writeUnique(this.writes, () => {
      this.#s.insert.run(
        w.id,
        w.poolId,
        w.userId,
        w.appId,
        w.random,
        w.createdAt,
        w.expiresAt,
        w.revokedAt,
        w.requestContext ? json(w.requestContext) : null,
      );
    });
  }
  async get(id: string): Promise<WebSessionRecord | null> {
    const r = this.#s.get.get(id) as Row | undefined;
    return r ? toWebSession(r) : null;
  }
  async listLive(userId: string, now: number): Promise<WebSessionRecord[]> {
    return (this.#s.listLive.all(userId, now) as Row[]).map(toWebSession);
  }
  revoke(id: string, userId: string, at: number): Promise<boolean> {
    return this.writes.run(() => {
      return this.#s.revoke.run({ id, userId, at }).changes === 1;
    });
  }
  revokeAll(userId: string, at: number): Promise<number> {
    return this.writes.run(() => {
      return this.#s.revokeAll.run({ userId, at }).changes;
    });
  }
  deleteExpired(now: number): Promise<number> {
    return this.writes.run(() => {
      return this.#s.deleteExpired.run(now).changes;
    });
  }
}
