/** Pools, applications, users and the meta table, in SQLite. */
import type Database from 'better-sqlite3';
import { usernameKey } from '../../domain/directory/usernames.js';
import type {
  AccountKind,
  AppPatch,
  AppRecord,
  DirectoryStore,
  PoolRecord,
  UserPatch,
  UserRecord,
} from '../../domain/ports.js';
import { type Row, rowsOf, sqliteDialect } from '../rows.js';
import { json, writeUnique } from './db.js';
import type { GroupCommit } from './group-commit.js';

const records = rowsOf(sqliteDialect);

export class SqliteDirectory implements DirectoryStore {
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
      swapPoolKey: db.prepare('UPDATE pools SET rsa_private_key = ? WHERE id = ? AND rsa_private_key = ?'),
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
        `INSERT INTO users (id, pool_id, username, username_key, email, phone, password_hash, nickname, photo,
          blocked, custom_data, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      getUser: db.prepare('SELECT * FROM users WHERE id = ?'),
      // Three index lookups rather than one OR so each uses its unique index.
      byUsername: db.prepare('SELECT * FROM users WHERE pool_id = ? AND username_key = ?'),
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
    const origins = (this.#s.originsOf.all(r.id) as Row[]).map((o) => o.origin as string);
    return records.app(r, origins);
  }

  insertPool(p: PoolRecord): Promise<void> {
    return writeUnique(this.writes, () => {
      this.#s.insertPool.run(p.id, p.name, p.rsaPublicKey, p.rsaPrivateKey, json(p.security), p.createdAt);
    });
  }
  async getPool(id: string): Promise<PoolRecord | null> {
    const r = this.#s.getPool.get(id) as Row | undefined;
    return r ? records.pool(r) : null;
  }
  swapPoolPrivateKey(id: string, expected: string, next: string): Promise<boolean> {
    return this.writes.run(() => this.#s.swapPoolKey.run(next, id, expected).changes === 1);
  }
  async listPools(): Promise<PoolRecord[]> {
    return (this.#s.listPools.all() as Row[]).map(records.pool);
  }
  updatePool(id: string, patch: Partial<Pick<PoolRecord, 'name' | 'security'>>): Promise<PoolRecord | null> {
    return this.writes.run(
      this.db.transaction(() => {
        const r = this.#s.getPool.get(id) as Row | undefined;
        if (!r) return null;
        const next = { ...records.pool(r), ...patch };
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
        u.username === null ? null : usernameKey(u.username),
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
    return r ? records.user(r) : null;
  }
  async findUserByAccount(
    poolId: string,
    account: string,
    kind: AccountKind = 'any',
  ): Promise<UserRecord | null> {
    const any = kind === 'any';
    const r = ((any || kind === 'username'
      ? this.#s.byUsername.get(poolId, usernameKey(account))
      : undefined) ??
      (any || kind === 'email' ? this.#s.byEmail.get(poolId, account) : undefined) ??
      (any || kind === 'phone' ? this.#s.byPhone.get(poolId, account) : undefined)) as Row | undefined;
    return r ? records.user(r) : null;
  }
  async listUsers(poolId: string, opts: { limit?: number; offset?: number } = {}): Promise<UserRecord[]> {
    return (this.#s.listUsers.all(poolId, opts.limit ?? 100, opts.offset ?? 0) as Row[]).map(records.user);
  }
  updateUser(id: string, patch: UserPatch, now: number): Promise<UserRecord | null> {
    return writeUnique(this.writes, () => {
      return this.db.transaction(() => {
        const r = this.#s.getUser.get(id) as Row | undefined;
        if (!r) return null;
        const n = { ...records.user(r), ...patch, updatedAt: now };
        this.db
          .prepare(
            `UPDATE users SET username = ?, username_key = ?, email = ?, phone = ?, password_hash = ?,
              nickname = ?, photo = ?, blocked = ?, custom_data = ?, updated_at = ? WHERE id = ?`,
          )
          .run(
            n.username,
            n.username === null ? null : usernameKey(n.username),
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
