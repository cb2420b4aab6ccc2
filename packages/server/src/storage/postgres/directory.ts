/** Pools, applications, users and the meta table, in PostgreSQL. */
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
import { postgresDialect, type Row, rowsOf } from '../rows.js';
import { type Db, json } from './db.js';

const records = rowsOf(postgresDialect);

/** The column of a login that names which of the user's names it typed (`any`: see the query). */
const KIND_LOOKUP: Record<AccountKind, string | null> = {
  any: null,
  username: 'username_key',
  email: 'email',
  phone: 'phone',
};

// Each app row carries its origins, aggregated in the same query.
const SELECT_APPS = `SELECT a.*, ARRAY(SELECT o.origin FROM app_origins o WHERE o.app_id = a.id ORDER BY o.origin)
  AS allowed_origins FROM apps a`;

export class PgDirectory implements DirectoryStore {
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
    return r ? records.pool(r) : null;
  }
  async swapPoolPrivateKey(id: string, expected: string, next: string): Promise<boolean> {
    const sql = 'UPDATE pools SET rsa_private_key = $3 WHERE id = $1 AND rsa_private_key = $2';
    return (await this.db.count(sql, [id, expected, next])) === 1;
  }
  async listPools(): Promise<PoolRecord[]> {
    return (await this.db.rows('SELECT * FROM pools ORDER BY created_at, id')).map(records.pool);
  }
  async updatePool(
    id: string,
    patch: Partial<Pick<PoolRecord, 'name' | 'security'>>,
  ): Promise<PoolRecord | null> {
    // Read, merge, write under a row lock, as SQLite does in one transaction.
    return this.db.transaction(async (c) => {
      const r = (await c.query<Row>('SELECT * FROM pools WHERE id = $1 FOR UPDATE', [id])).rows[0];
      if (!r) return null;
      const next = { ...records.pool(r), ...patch };
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
    return r ? records.app(r) : null;
  }
  async listApps(poolId?: string): Promise<AppRecord[]> {
    const rows = poolId
      ? await this.db.rows(`${SELECT_APPS} WHERE a.pool_id = $1 ORDER BY a.created_at, a.id`, [poolId])
      : await this.db.rows(`${SELECT_APPS} ORDER BY a.created_at, a.id`);
    return rows.map((r) => records.app(r));
  }
  async updateApp(id: string, patch: AppPatch): Promise<AppRecord | null> {
    return this.db.transaction(async (c) => {
      const r = (await c.query<Row>(`${SELECT_APPS} WHERE a.id = $1 FOR UPDATE OF a`, [id])).rows[0];
      if (!r) return null;
      const next = { ...records.app(r), ...patch };
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
      return records.app((await c.query<Row>(`${SELECT_APPS} WHERE a.id = $1`, [id])).rows[0]!);
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
         custom_data, created_at, updated_at, username_key)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11, $12, $13)`,
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
        u.username === null ? null : usernameKey(u.username),
      ],
    );
  }
  async getUser(id: string): Promise<UserRecord | null> {
    const r = await this.db.one('SELECT * FROM users WHERE id = $1', [id]);
    return r ? records.user(r) : null;
  }
  async findUserByAccount(
    poolId: string,
    account: string,
    kind: AccountKind = 'any',
  ): Promise<UserRecord | null> {
    const one = KIND_LOOKUP[kind];
    if (one) {
      const r = await this.db.one(`SELECT * FROM users WHERE pool_id = $1 AND ${one} = $2`, [
        poolId,
        kind === 'username' ? usernameKey(account) : account,
      ]);
      return r ? records.user(r) : null;
    }
    // One lookup per unique index rather than one OR, with SQLite's precedence:
    // a username match wins over an email match, which wins over a phone match.
    const r = await this.db.one(
      `SELECT * FROM (
         SELECT 0 AS precedence, * FROM users WHERE pool_id = $1 AND username_key = $3
         UNION ALL SELECT 1, * FROM users WHERE pool_id = $1 AND email = $2
         UNION ALL SELECT 2, * FROM users WHERE pool_id = $1 AND phone = $2
       ) found ORDER BY precedence LIMIT 1`,
      [poolId, account, usernameKey(account)],
    );
    return r ? records.user(r) : null;
  }
  async listUsers(poolId: string, opts: { limit?: number; offset?: number } = {}): Promise<UserRecord[]> {
    const rows = await this.db.rows(
      'SELECT * FROM users WHERE pool_id = $1 ORDER BY created_at, id LIMIT $2 OFFSET $3',
      [poolId, opts.limit ?? 100, opts.offset ?? 0],
    );
    return rows.map(records.user);
  }
  async updateUser(id: string, patch: UserPatch, now: number): Promise<UserRecord | null> {
    return this.db.transaction(async (c) => {
      const r = (await c.query<Row>('SELECT * FROM users WHERE id = $1 FOR UPDATE', [id])).rows[0];
      if (!r) return null;
      const n = { ...records.user(r), ...patch, updatedAt: now };
      await c.query(
        `UPDATE users SET username = $2, email = $3, phone = $4, password_hash = $5, nickname = $6, photo = $7,
           blocked = $8, custom_data = $9::jsonb, updated_at = $10, username_key = $11 WHERE id = $1`,
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
          n.username === null ? null : usernameKey(n.username),
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
