import type { Pool, QueryConfig, QueryResult } from 'pg';
import { assignUsernameKeys, type StoredUsername } from '../../domain/directory/usernames.js';

type Query = (text: string, values?: unknown[]) => Promise<QueryResult>;

/** SQL, or a step that needs code (a backfill computed in JavaScript); each runs in one transaction. */
export type Migration = string | ((q: Query) => Promise<void>);

/**
 * Versioned schema for the durable half (directory, keys, audit, web
 * sessions). Append only: a released migration never changes, a new one is
 * added with the next number. `schema_migrations` records each applied version.
 *
 * Times are milliseconds since the epoch in BIGINT, like the SQLite adapter's
 * INTEGER columns. Identifiers and origins use the "C" collation so orderings
 * (`ORDER BY created_at, id`) match SQLite's byte order whatever the
 * database's locale, and the indexes serve those orderings.
 *
 * Each migration runs in one transaction, so it must not use statements that
 * refuse transactions (CREATE INDEX CONCURRENTLY, ALTER TYPE ... ADD VALUE on
 * old servers).
 */
export const migrations: readonly Migration[] = [
  // 1: directory, keys, audit log, web sessions.
  `
  CREATE TABLE meta (key TEXT COLLATE "C" PRIMARY KEY, value TEXT NOT NULL);

  CREATE TABLE pools (
    id TEXT COLLATE "C" PRIMARY KEY,
    name TEXT NOT NULL,
    rsa_public_key TEXT NOT NULL,
    rsa_private_key TEXT NOT NULL,
    security JSONB NOT NULL DEFAULT '{}',
    created_at BIGINT NOT NULL
  );

  CREATE TABLE apps (
    id TEXT COLLATE "C" PRIMARY KEY,
    pool_id TEXT COLLATE "C" NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    logo TEXT,
    secret_hash TEXT NOT NULL,
    qr_settings JSONB NOT NULL,
    created_at BIGINT NOT NULL
  );
  CREATE INDEX apps_pool ON apps(pool_id, created_at, id);

  CREATE TABLE app_origins (
    app_id TEXT COLLATE "C" NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    origin TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (app_id, origin)
  );
  -- Answers CORS preflights: "does any app allow this origin?"
  CREATE INDEX app_origins_origin ON app_origins(origin);

  CREATE TABLE users (
    id TEXT COLLATE "C" PRIMARY KEY,
    pool_id TEXT COLLATE "C" NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
    username TEXT,
    email TEXT,
    phone TEXT,
    password_hash TEXT,
    nickname TEXT,
    photo TEXT,
    blocked BOOLEAN NOT NULL DEFAULT FALSE,
    custom_data JSONB NOT NULL DEFAULT '{}',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
  );
  -- The adapter maps a violation of these to ConflictError by index name.
  CREATE UNIQUE INDEX users_username ON users(pool_id, username) WHERE username IS NOT NULL;
  CREATE UNIQUE INDEX users_email ON users(pool_id, email) WHERE email IS NOT NULL;
  CREATE UNIQUE INDEX users_phone ON users(pool_id, phone) WHERE phone IS NOT NULL;
  CREATE INDEX users_pool ON users(pool_id, created_at, id);

  CREATE TABLE signing_keys (
    kid TEXT COLLATE "C" PRIMARY KEY,
    alg TEXT NOT NULL,
    private_jwk TEXT NOT NULL,
    public_jwk TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    retired_at BIGINT
  );

  CREATE TABLE qr_audit (
    id TEXT COLLATE "C" PRIMARY KEY,
    at BIGINT NOT NULL,
    pool_id TEXT COLLATE "C" NOT NULL,
    user_id TEXT COLLATE "C" NOT NULL,
    app_id TEXT COLLATE "C" NOT NULL,
    random TEXT NOT NULL,
    outcome TEXT NOT NULL,
    request_context JSONB,
    device_ip TEXT
  );
  CREATE INDEX qr_audit_user ON qr_audit(user_id, at DESC, id DESC);
  CREATE INDEX qr_audit_pool ON qr_audit(pool_id, at DESC, id DESC);

  CREATE TABLE web_sessions (
    id TEXT COLLATE "C" PRIMARY KEY,
    pool_id TEXT COLLATE "C" NOT NULL,
    user_id TEXT COLLATE "C" NOT NULL,
    app_id TEXT COLLATE "C" NOT NULL,
    random TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT,
    request_context JSONB
  );
  CREATE INDEX web_sessions_user ON web_sessions(user_id, created_at DESC, id DESC);
  CREATE INDEX web_sessions_expiry ON web_sessions(expires_at);
  `,
  // 2: usernames unique whatever their case (`usernameKey`, computed here like in the adapter);
  // names stored before that which collide keep the oldest account's, the later accounts are
  // renamed `<name>~<id>`.
  async (q) => {
    await q('ALTER TABLE users ADD COLUMN username_key TEXT COLLATE "C"');
    const { rows } = await q(
      `SELECT id, pool_id AS "poolId", username FROM users WHERE username IS NOT NULL
       ORDER BY created_at, id`,
    );
    const keyed = assignUsernameKeys(rows as StoredUsername[]);
    await q(
      `UPDATE users SET username = v.username, username_key = v.key
       FROM unnest($1::text[], $2::text[], $3::text[]) AS v(id, username, key) WHERE users.id = v.id`,
      [keyed.map((u) => u.id), keyed.map((u) => u.username), keyed.map((u) => u.key)],
    );
    await q(`
      DROP INDEX users_username;
      CREATE UNIQUE INDEX users_username_key ON users(pool_id, username_key) WHERE username_key IS NOT NULL;
    `);
  },
  // 3: what the OpenID provider keeps durably (src/domain/oidc/ports.ts). The payload is TEXT, not
  // JSONB: it holds request parameters verbatim, and JSONB refuses some text that JSON allows (\u0000).
  `
  CREATE TABLE oidc_artifacts (
    kind TEXT COLLATE "C" NOT NULL,
    id TEXT COLLATE "C" NOT NULL,
    payload TEXT NOT NULL,
    grant_id TEXT COLLATE "C",
    user_code TEXT COLLATE "C",
    uid TEXT COLLATE "C",
    expires_at BIGINT,
    consumed_at BIGINT,
    PRIMARY KEY (kind, id)
  );
  CREATE INDEX oidc_artifacts_grant ON oidc_artifacts(grant_id) WHERE grant_id IS NOT NULL;
  CREATE INDEX oidc_artifacts_user_code ON oidc_artifacts(kind, user_code) WHERE user_code IS NOT NULL;
  CREATE INDEX oidc_artifacts_uid ON oidc_artifacts(kind, uid) WHERE uid IS NOT NULL;
  CREATE INDEX oidc_artifacts_expiry ON oidc_artifacts(expires_at) WHERE expires_at IS NOT NULL;
  `,
];

/**
 * Key of the advisory lock that serialises migrations across instances (an
 * arbitrary constant; only other users of advisory locks on the same database
 * must not pick it).
 */
const MIGRATION_LOCK_KEY = '6372117504261900117';

/** A migration may rebuild a big table or wait for another instance's lock: no client-side timeout. */
const MIGRATION_QUERY_TIMEOUT_MS = 60 * 60_000;

/**
 * Applies pending migrations. Safe when several instances start at once:
 * every step takes a transaction-scoped advisory lock first, so one instance
 * migrates while the others wait, then find nothing left to do. A
 * transaction-scoped lock (rather than a session one) also works behind a
 * pooler in transaction mode and can never outlive a failed step.
 *
 * Returns the version found (`from`) and the version reached (`to`). A
 * database already newer than this code (a rolling upgrade) is left alone.
 */
export async function migratePostgres(pool: Pool): Promise<{ from: number; to: number }> {
  const client = await pool.connect();
  // node-postgres honours a per-query `query_timeout`; its type definitions do not list it.
  const q = (text: string, values?: unknown[]) =>
    client.query({ text, values, query_timeout: MIGRATION_QUERY_TIMEOUT_MS } as QueryConfig);
  let failed: Error | undefined;
  try {
    let from: number | undefined;
    for (;;) {
      await q('BEGIN');
      try {
        await q('SELECT pg_advisory_xact_lock($1::bigint)', [MIGRATION_LOCK_KEY]);
        // Created under the lock: concurrent CREATE TABLE IF NOT EXISTS can still clash.
        await q(
          'CREATE TABLE IF NOT EXISTS schema_migrations (version INT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL)',
        );
        const res = await q('SELECT COALESCE(MAX(version), 0)::int AS v FROM schema_migrations');
        const current = res.rows[0].v as number;
        from ??= current;
        if (current >= migrations.length) {
          await q('COMMIT');
          return { from, to: current };
        }
        const step = migrations[current]!;
        if (typeof step === 'string') await q(step);
        else await step(q);
        await q('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, now())', [current + 1]);
        await q('COMMIT');
      } catch (err) {
        await q('ROLLBACK').catch(() => {});
        throw err;
      }
    }
  } catch (err) {
    failed = err as Error;
    throw err;
  } finally {
    // A client whose step failed is discarded rather than reused in an unknown state.
    client.release(failed);
  }
}
