import pg, { type Pool, type PoolClient, type QueryResult } from 'pg';
import { StorageUnavailableError } from '../../domain/errors.js';
import {
  type AppPatch,
  type AppRecord,
  type AuditRecord,
  type AuditStore,
  ConflictError,
  DEFAULT_POOL_SECURITY,
  type DirectoryStore,
  type KeyStore,
  type PoolRecord,
  type SigningKeyRecord,
  type UserPatch,
  type UserRecord,
  type WebSessionRecord,
  type WebSessionStore,
} from '../contracts.js';
import { migratePostgres } from './migrations.js';
import { PgOidcArtifacts } from './oidc.js';

export { migratePostgres };

type Row = Record<string, unknown>;
type Queryable = Pick<PoolClient, 'query'>;

export interface PostgresOptions {
  /** Most connections this instance holds (default 10). */
  max?: number;
  /** How long a call waits for a connection before failing as unavailable, in ms (default 2000). */
  connectionTimeoutMillis?: number;
  /**
   * How long a query may wait for its answer, in ms (default 10000; 0: forever).
   * Bounds calls to a server that accepts connections but no longer answers.
   */
  queryTimeoutMillis?: number;
  /**
   * Told when an idle connection breaks (the server restarted, the network
   * dropped). The pool replaces it on its own; the default ignores the event.
   */
  onIdleError?: (err: Error) => void;
}

/** The durable stores served by PostgreSQL, with the migration run when it opened. */
export interface PostgresStorage {
  readonly pool: Pool;
  readonly directory: DirectoryStore;
  readonly keys: KeyStore;
  readonly audit: AuditStore;
  readonly webSessions: WebSessionStore;
  readonly oidc: PgOidcArtifacts;
  readonly migration: { from: number; to: number };
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A pool set up the way the adapter needs it: BIGINT columns (millisecond
 * times) come back as numbers instead of strings, and a broken idle
 * connection is an event, not an uncaught exception that kills the process.
 */
export function createPostgresPool(url: string, opts: PostgresOptions = {}): Pool {
  try {
    new URL(url);
  } catch {
    // No cause: URL errors carry the input, which may hold the password.
    throw new Error('The PostgreSQL URL is not a valid URL (postgres://user:password@host:port/database)');
  }
  // Per pool rather than pg.types.setTypeParser, which would change every pg user in the process.
  const types = new pg.TypeOverrides();
  // Millisecond timestamps stay far below 2^53.
  types.setTypeParser(pg.types.builtins.INT8, (v: string) => Number(v));
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.max ?? 10,
    connectionTimeoutMillis: opts.connectionTimeoutMillis ?? 2000,
    query_timeout: opts.queryTimeoutMillis ?? 10_000,
    idleTimeoutMillis: 30_000,
    // Notice a silently dead server on idle connections.
    keepAlive: true,
    application_name: 'scanlogin',
    types,
  });
  pool.on('error', (err) => opts.onIdleError?.(err));
  return pool;
}

/** Opens the pool and brings the schema up to date. Fails with StorageUnavailableError if the server is down. */
export async function openPostgres(url: string, opts: PostgresOptions = {}): Promise<PostgresStorage> {
  const pool = createPostgresPool(url, opts);
  let migration: { from: number; to: number };
  try {
    migration = await migratePostgres(pool);
  } catch (err) {
    await pool.end().catch(() => {});
    throw toStorageError(err);
  }
  const db = new Db(pool);
  let closed: Promise<void> | undefined;
  return {
    pool,
    directory: new PgDirectory(db),
    keys: new PgKeys(db),
    audit: new PgAudit(db),
    webSessions: new PgWebSessions(db),
    oidc: new PgOidcArtifacts(db),
    migration,
    async ping() {
      await db.query('SELECT 1');
    },
    close() {
      // pg.Pool refuses a second end().
      closed ??= pool.end();
      return closed;
    },
  };
}

// Network failures, as Node reports them when connecting or mid-query.
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
// SQLSTATEs of a server that is stopping, crashed, starting up or out of connection slots.
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);
// node-postgres reports a lost connection, a pool or connect timeout and a query timeout by message only.
const UNAVAILABLE_MESSAGE =
  /Connection terminated|timeout exceeded when trying to connect|timeout expired|Query read timeout|is not queryable/;

/** Whether the error means "the database cannot be reached", as opposed to a bad statement. */
export function isConnectionError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') {
    // Class 08: connection exception.
    if (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code) || code.startsWith('08')) return true;
  }
  // Node 20 tries each address of a host name and reports them together.
  if (err instanceof AggregateError && err.errors.some(isConnectionError)) return true;
  return UNAVAILABLE_MESSAGE.test(err.message);
}

// Unique indexes whose clash names a field other than `id` (see migrations.ts).
const CONFLICT_FIELDS: Record<string, string> = {
  users_username: 'username',
  users_email: 'email',
  users_phone: 'phone',
  signing_keys_pkey: 'kid',
};

/**
 * Maps driver errors to the contract's: unique and foreign-key violations to
 * ConflictError with the field names the SQLite adapter reports, connection
 * failures to StorageUnavailableError (rendered as 503). The field is taken
 * from the constraint name, not the message, which the server may translate.
 */
function toStorageError(err: unknown): unknown {
  if (isConnectionError(err)) return new StorageUnavailableError('postgres', err);
  const { code, constraint } = err as { code?: unknown; constraint?: unknown };
  if (code === '23505') {
    const name = typeof constraint === 'string' ? constraint : '';
    return new ConflictError(CONFLICT_FIELDS[name] ?? (name.endsWith('_pkey') ? 'id' : 'unique field'));
  }
  // An app or user of a pool that does not exist; SQLite reports it as `id` too.
  if (code === '23503') return new ConflictError('id');
  return err;
}

/**
 * Runs queries on pool clients it checks out itself (rather than
 * `pool.query`, which throws away the connection after any error, even a
 * unique violation) and translates errors.
 */
export class Db {
  constructor(private readonly pool: Pool) {}

  query(text: string, values: unknown[] = []): Promise<QueryResult<Row>> {
    return this.withClient((c) => c.query<Row>(text, values));
  }

  async rows(text: string, values: unknown[] = []): Promise<Row[]> {
    return (await this.query(text, values)).rows;
  }

  async one(text: string, values: unknown[] = []): Promise<Row | null> {
    return (await this.query(text, values)).rows[0] ?? null;
  }

  /** How many rows the statement changed. */
  async count(text: string, values: unknown[] = []): Promise<number> {
    return (await this.query(text, values)).rowCount ?? 0;
  }

  transaction<T>(fn: (c: Queryable) => Promise<T>): Promise<T> {
    return this.withClient(async (c) => {
      await c.query('BEGIN');
      try {
        const result = await fn(c);
        await c.query('COMMIT');
        return result;
      } catch (err) {
        // If the connection is gone the ROLLBACK fails too; the pool then drops the client.
        await c.query('ROLLBACK').catch(() => {});
        throw err;
      }
    });
  }

  private async withClient<T>(fn: (c: PoolClient) => Promise<T>): Promise<T> {
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      throw toStorageError(err);
    }
    // A checked-out client has no pool listener: an 'error' event now (the
    // server went away between two statements) would be an uncaught exception.
    let broken: Error | undefined;
    const onError = (err: Error) => {
      broken = err;
    };
    client.on('error', onError);
    try {
      return await fn(client);
    } catch (err) {
      if (isConnectionError(err)) broken ??= err as Error;
      throw toStorageError(err);
    } finally {
      client.off('error', onError);
      // Releasing with an error closes the connection instead of reusing it.
      client.release(broken);
    }
  }
}

const json = (v: unknown): string | null => (v == null ? null : JSON.stringify(v));

function toPool(r: Row): PoolRecord {
  return {
    id: r.id as string,
    name: r.name as string,
    rsaPublicKey: r.rsa_public_key as string,
    rsaPrivateKey: r.rsa_private_key as string,
    // Settings added later take their defaults in pools stored before them.
    security: { ...DEFAULT_POOL_SECURITY, ...(r.security as object) },
    createdAt: r.created_at as number,
  };
}

// Each app row carries its origins, aggregated in the same query.
const SELECT_APPS = `SELECT a.*, ARRAY(SELECT o.origin FROM app_origins o WHERE o.app_id = a.id ORDER BY o.origin)
  AS allowed_origins FROM apps a`;

function toApp(r: Row): AppRecord {
  return {
    id: r.id as string,
    poolId: r.pool_id as string,
    name: r.name as string,
    logo: (r.logo as string | null) ?? null,
    secretHash: r.secret_hash as string,
    allowedOrigins: r.allowed_origins as string[],
    qr: r.qr_settings as AppRecord['qr'],
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
    blocked: r.blocked === true,
    customData: (r.custom_data as Record<string, unknown> | null) ?? {},
    createdAt: r.created_at as number,
    updatedAt: r.updated_at as number,
  };
}

class PgDirectory implements DirectoryStore {
  constructor(private readonly db: Db) {}

  async insertPool(p: PoolRecord): Promise<void> {
    await this.db.query(
      `INSERT INTO pools (id, name, rsa_public_key, rsa_private_key, security, created_at)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6)`,
      [p.id, p.name, p.rsaPublicKey, p.rsaPrivateKey, json(p.security), p.createdAt],
    );
  }
  async getPool(id: string): Promise<PoolRecord | null> {
    const r = await this.db.one('SELECT * FROM pools WHERE id = $1', [id]);
    return r ? toPool(r) : null;
  }
  async listPools(): Promise<PoolRecord[]> {
    return (await this.db.rows('SELECT * FROM pools ORDER BY created_at, id')).map(toPool);
  }
  async updatePool(
    id: string,
    patch: Partial<Pick<PoolRecord, 'name' | 'security'>>,
  ): Promise<PoolRecord | null> {
    // Read, merge, write under a row lock, as SQLite does in one transaction.
    return this.db.transaction(async (c) => {
      const r = (await c.query<Row>('SELECT * FROM pools WHERE id = $1 FOR UPDATE', [id])).rows[0];
      if (!r) return null;
      const next = { ...toPool(r), ...patch };
      await c.query('UPDATE pools SET name = $2, security = $3::jsonb WHERE id = $1', [
        id,
        next.name,
        json(next.security),
      ]);
      return next;
    });
  }

  async insertApp(a: AppRecord): Promise<void> {
    // One statement, so the app and its origins are stored together or not at all.
    await this.db.query(
      `WITH app AS (
         INSERT INTO apps (id, pool_id, name, logo, secret_hash, qr_settings, created_at)
         VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7) RETURNING id)
       INSERT INTO app_origins (app_id, origin)
       SELECT app.id, o FROM app, unnest($8::text[]) AS o ON CONFLICT DO NOTHING`,
      [a.id, a.poolId, a.name, a.logo, a.secretHash, json(a.qr), a.createdAt, a.allowedOrigins],
    );
  }
  async getApp(id: string): Promise<AppRecord | null> {
    const r = await this.db.one(`${SELECT_APPS} WHERE a.id = $1`, [id]);
    return r ? toApp(r) : null;
  }
  async listApps(poolId?: string): Promise<AppRecord[]> {
    const rows = poolId
      ? await this.db.rows(`${SELECT_APPS} WHERE a.pool_id = $1 ORDER BY a.created_at, a.id`, [poolId])
      : await this.db.rows(`${SELECT_APPS} ORDER BY a.created_at, a.id`);
    return rows.map(toApp);
  }
  async updateApp(id: string, patch: AppPatch): Promise<AppRecord | null> {
    return this.db.transaction(async (c) => {
      const r = (await c.query<Row>(`${SELECT_APPS} WHERE a.id = $1 FOR UPDATE OF a`, [id])).rows[0];
      if (!r) return null;
      const next = { ...toApp(r), ...patch };
      await c.query(
        'UPDATE apps SET name = $2, logo = $3, secret_hash = $4, qr_settings = $5::jsonb WHERE id = $1',
        [id, next.name, next.logo, next.secretHash, json(next.qr)],
      );
      if (patch.allowedOrigins) {
        await c.query('DELETE FROM app_origins WHERE app_id = $1', [id]);
        await c.query(
          `INSERT INTO app_origins (app_id, origin) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING`,
          [id, patch.allowedOrigins],
        );
      }
      return toApp((await c.query<Row>(`${SELECT_APPS} WHERE a.id = $1`, [id])).rows[0]!);
    });
  }
  async deleteApp(id: string): Promise<boolean> {
    // Its origins go with it (ON DELETE CASCADE).
    return (await this.db.count('DELETE FROM apps WHERE id = $1', [id])) > 0;
  }
  async isOriginAllowedByAnyApp(origin: string): Promise<boolean> {
    const r = await this.db.one('SELECT EXISTS (SELECT 1 FROM app_origins WHERE origin = $1) AS found', [
      origin,
    ]);
    return r?.found === true;
  }

  async insertUser(u: UserRecord): Promise<void> {
    await this.db.query(
      `INSERT INTO users (id, pool_id, username, email, phone, password_hash, nickname, photo, blocked,
         custom_data, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11, $12)`,
      [
        u.id,
        u.poolId,
        u.username,
        u.email,
        u.phone,
        u.passwordHash,
        u.nickname,
        u.photo,
        u.blocked,
        json(u.customData ?? {}),
        u.createdAt,
        u.updatedAt,
      ],
    );
  }
  async getUser(id: string): Promise<UserRecord | null> {
    const r = await this.db.one('SELECT * FROM users WHERE id = $1', [id]);
    return r ? toUser(r) : null;
  }
  async findUserByAccount(poolId: string, account: string): Promise<UserRecord | null> {
    // One lookup per unique index rather than one OR, with SQLite's precedence:
    // a username match wins over an email match, which wins over a phone match.
    const r = await this.db.one(
      `SELECT * FROM (
         SELECT 0 AS precedence, * FROM users WHERE pool_id = $1 AND username = $2
         UNION ALL SELECT 1, * FROM users WHERE pool_id = $1 AND email = $2
         UNION ALL SELECT 2, * FROM users WHERE pool_id = $1 AND phone = $2
       ) found ORDER BY precedence LIMIT 1`,
      [poolId, account],
    );
    return r ? toUser(r) : null;
  }
  async listUsers(poolId: string, opts: { limit?: number; offset?: number } = {}): Promise<UserRecord[]> {
    const rows = await this.db.rows(
      'SELECT * FROM users WHERE pool_id = $1 ORDER BY created_at, id LIMIT $2 OFFSET $3',
      [poolId, opts.limit ?? 100, opts.offset ?? 0],
    );
    return rows.map(toUser);
  }
  async updateUser(id: string, patch: UserPatch, now: number): Promise<UserRecord | null> {
    return this.db.transaction(async (c) => {
      const r = (await c.query<Row>('SELECT * FROM users WHERE id = $1 FOR UPDATE', [id])).rows[0];
      if (!r) return null;
      const n = { ...toUser(r), ...patch, updatedAt: now };
      await c.query(
        `UPDATE users SET username = $2, email = $3, phone = $4, password_hash = $5, nickname = $6, photo = $7,
           blocked = $8, custom_data = $9::jsonb, updated_at = $10 WHERE id = $1`,
        [
          id,
          n.username,
          n.email,
          n.phone,
          n.passwordHash,
          n.nickname,
          n.photo,
          n.blocked,
          json(n.customData ?? {}),
          n.updatedAt,
        ],
      );
      return n;
    });
  }
  async deleteUser(id: string): Promise<boolean> {
    return (await this.db.count('DELETE FROM users WHERE id = $1', [id])) > 0;
  }

  async getMeta(key: string): Promise<string | null> {
    const r = await this.db.one('SELECT value FROM meta WHERE key = $1', [key]);
    return r ? (r.value as string) : null;
  }
  async setMeta(key: string, value: string): Promise<void> {
    await this.db.query(
      'INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      [key, value],
    );
  }
  async claimMeta(key: string, value: string): Promise<boolean> {
    const n = await this.db.count(
      'INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING',
      [key, value],
    );
    return n === 1;
  }
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

class PgKeys implements KeyStore {
  constructor(private readonly db: Db) {}

  async listKeys(): Promise<SigningKeyRecord[]> {
    return (await this.db.rows('SELECT * FROM signing_keys ORDER BY created_at, kid')).map(toKey);
  }
  async insertKey(k: SigningKeyRecord): Promise<void> {
    await this.db.query(
      `INSERT INTO signing_keys (kid, alg, private_jwk, public_jwk, created_at, retired_at)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [k.kid, k.alg, k.privateJwk, k.publicJwk, k.createdAt, k.retiredAt],
    );
  }
  async retireKey(kid: string, at: number): Promise<void> {
    // A key keeps the time it was first retired.
    await this.db.query('UPDATE signing_keys SET retired_at = $2 WHERE kid = $1 AND retired_at IS NULL', [
      kid,
      at,
    ]);
  }
  async deleteKey(kid: string): Promise<void> {
    await this.db.query('DELETE FROM signing_keys WHERE kid = $1', [kid]);
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
    requestContext: (r.request_context as AuditRecord['requestContext']) ?? null,
    deviceIp: (r.device_ip as string | null) ?? null,
  };
}

class PgAudit implements AuditStore {
  constructor(private readonly db: Db) {}

  async append(a: AuditRecord): Promise<void> {
    await this.db.query(
      `INSERT INTO qr_audit (id, at, pool_id, user_id, app_id, random, outcome, request_context, device_ip)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9)`,
      [a.id, a.at, a.poolId, a.userId, a.appId, a.random, a.outcome, json(a.requestContext), a.deviceIp],
    );
  }
  async listByUser(userId: string, limit: number): Promise<AuditRecord[]> {
    const rows = await this.db.rows(
      'SELECT * FROM qr_audit WHERE user_id = $1 ORDER BY at DESC, id DESC LIMIT $2',
      [userId, limit],
    );
    return rows.map(toAudit);
  }
  async listByPool(poolId: string, limit: number, before = Number.MAX_SAFE_INTEGER): Promise<AuditRecord[]> {
    const rows = await this.db.rows(
      'SELECT * FROM qr_audit WHERE pool_id = $1 AND at < $2 ORDER BY at DESC, id DESC LIMIT $3',
      [poolId, before, limit],
    );
    return rows.map(toAudit);
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
    requestContext: (r.request_context as WebSessionRecord['requestContext']) ?? null,
  };
}

class PgWebSessions implements WebSessionStore {
  constructor(private readonly db: Db) {}

  async insert(w: WebSessionRecord): Promise<void> {
    await this.db.query(
      `INSERT INTO web_sessions (id, pool_id, user_id, app_id, random, created_at, expires_at, revoked_at,
         request_context) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb)`,
      [
        w.id,
        w.poolId,
        w.userId,
        w.appId,
        w.random,
        w.createdAt,
        w.expiresAt,
        w.revokedAt,
        json(w.requestContext),
      ],
    );
  }
  async get(id: string): Promise<WebSessionRecord | null> {
    const r = await this.db.one('SELECT * FROM web_sessions WHERE id = $1', [id]);
    return r ? toWebSession(r) : null;
  }
  async listLive(userId: string, now: number): Promise<WebSessionRecord[]> {
    const rows = await this.db.rows(
      `SELECT * FROM web_sessions WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2
       ORDER BY created_at DESC, id DESC`,
      [userId, now],
    );
    return rows.map(toWebSession);
  }
  async revoke(id: string, userId: string, at: number): Promise<boolean> {
    const changed = await this.db.count(
      `UPDATE web_sessions SET revoked_at = $3
       WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL AND expires_at > $3`,
      [id, userId, at],
    );
    return changed === 1;
  }
  async revokeAll(userId: string, at: number): Promise<number> {
    return this.db.count(
      'UPDATE web_sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2',
      [userId, at],
    );
  }
  async deleteExpired(now: number): Promise<number> {
    return this.db.count('DELETE FROM web_sessions WHERE expires_at <= $1', [now]);
  }
}
