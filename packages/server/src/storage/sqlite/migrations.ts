import type Database from 'better-sqlite3';
import { assignUsernameKeys, type StoredUsername } from '../../domain/directory/usernames.js';

/** SQL, or a step that needs code (a backfill computed in JavaScript); each runs in one transaction. */
export type Migration = string | ((db: Database.Database) => void);

/**
 * Versioned schema. Append only: a released migration never changes, a new
 * one is added with the next number. `user_version` records the last applied.
 */
export const migrations: readonly Migration[] = [
  // 1: directory, keys, QR sessions, counters.
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;

  CREATE TABLE pools (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    rsa_public_key TEXT NOT NULL,
    rsa_private_key TEXT NOT NULL,
    created_at INTEGER NOT NULL
  ) WITHOUT ROWID;

  CREATE TABLE apps (
    id TEXT PRIMARY KEY,
    pool_id TEXT NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    logo TEXT,
    secret_hash TEXT NOT NULL,
    qr_settings TEXT NOT NULL,
    created_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX apps_pool ON apps(pool_id);

  CREATE TABLE app_origins (
    app_id TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    origin TEXT NOT NULL,
    PRIMARY KEY (app_id, origin)
  ) WITHOUT ROWID;
  CREATE INDEX app_origins_origin ON app_origins(origin);

  CREATE TABLE users (
    id TEXT PRIMARY KEY,
    pool_id TEXT NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
    username TEXT,
    email TEXT,
    phone TEXT,
    password_hash TEXT,
    nickname TEXT,
    photo TEXT,
    blocked INTEGER NOT NULL DEFAULT 0,
    custom_data TEXT NOT NULL DEFAULT '{}',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE UNIQUE INDEX users_username ON users(pool_id, username) WHERE username IS NOT NULL;
  CREATE UNIQUE INDEX users_email ON users(pool_id, email) WHERE email IS NOT NULL;
  CREATE UNIQUE INDEX users_phone ON users(pool_id, phone) WHERE phone IS NOT NULL;

  CREATE TABLE signing_keys (
    kid TEXT PRIMARY KEY,
    alg TEXT NOT NULL,
    private_jwk TEXT NOT NULL,
    public_jwk TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    retired_at INTEGER
  ) WITHOUT ROWID;

  CREATE TABLE qr_sessions (
    random TEXT PRIMARY KEY,
    app_id TEXT NOT NULL,
    pool_id TEXT NOT NULL,
    status INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    custom_data TEXT,
    user_id TEXT,
    ticket TEXT,
    ticket_expires_at INTEGER,
    ticket_used INTEGER NOT NULL DEFAULT 0,
    seq INTEGER NOT NULL DEFAULT 0
  ) WITHOUT ROWID;
  CREATE UNIQUE INDEX qr_sessions_ticket ON qr_sessions(ticket) WHERE ticket IS NOT NULL;
  CREATE INDEX qr_sessions_expiry ON qr_sessions(expires_at);

  CREATE TABLE counters (
    key TEXT PRIMARY KEY,
    count INTEGER NOT NULL,
    reset_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  `,
  // 2: what the service observed about the requesting browser.
  `ALTER TABLE qr_sessions ADD COLUMN request_context TEXT;`,
  // 3: the QR login audit log.
  `
  CREATE TABLE qr_audit (
    id TEXT PRIMARY KEY,
    at INTEGER NOT NULL,
    pool_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    app_id TEXT NOT NULL,
    random TEXT NOT NULL,
    outcome TEXT NOT NULL,
    request_context TEXT,
    device_ip TEXT
  ) WITHOUT ROWID;
  CREATE INDEX qr_audit_user ON qr_audit(user_id, at);
  CREATE INDEX qr_audit_pool ON qr_audit(pool_id, at);
  `,
  // 4: pool security settings; check codes and browser binding on QR sessions.
  `
  ALTER TABLE pools ADD COLUMN security TEXT NOT NULL DEFAULT '{}';
  ALTER TABLE qr_sessions ADD COLUMN check_code INTEGER;
  ALTER TABLE qr_sessions ADD COLUMN check_choices TEXT;
  ALTER TABLE qr_sessions ADD COLUMN binding_hash TEXT;
  `,
  // 5: rotating public ids of waiting codes; web sessions born of QR logins.
  `
  ALTER TABLE qr_sessions ADD COLUMN public_id TEXT;
  ALTER TABLE qr_sessions ADD COLUMN public_id_expires_at INTEGER;
  UPDATE qr_sessions SET public_id = random;
  CREATE UNIQUE INDEX qr_sessions_public_id ON qr_sessions(public_id);

  CREATE TABLE web_sessions (
    id TEXT PRIMARY KEY,
    pool_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    app_id TEXT NOT NULL,
    random TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER,
    request_context TEXT
  ) WITHOUT ROWID;
  CREATE INDEX web_sessions_user ON web_sessions(user_id, created_at);
  CREATE INDEX web_sessions_expiry ON web_sessions(expires_at);
  `,
  // 6: usernames unique whatever their case (`usernameKey`); names stored before that which
  // collide keep the oldest account's, the later accounts are renamed `<name>~<id>`.
  (db) => {
    db.exec('ALTER TABLE users ADD COLUMN username_key TEXT');
    const users = db
      .prepare(
        `SELECT id, pool_id AS poolId, username FROM users WHERE username IS NOT NULL
         ORDER BY created_at, id`,
      )
      .all() as StoredUsername[];
    const update = db.prepare('UPDATE users SET username = ?, username_key = ? WHERE id = ?');
    for (const u of assignUsernameKeys(users)) update.run(u.username, u.key, u.id);
    db.exec(`
      DROP INDEX users_username;
      CREATE UNIQUE INDEX users_username_key ON users(pool_id, username_key) WHERE username_key IS NOT NULL;
    `);
  },
  // 7: throttling counters live in memory in the embedded mode (one process owns the file) and in
  // Redis with several instances; the table that held them before is no longer read.
  'DROP TABLE IF EXISTS counters;',
  // 8: what the OpenID provider keeps (src/domain/oidc/ports.ts).
  `
  CREATE TABLE oidc_artifacts (
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    payload TEXT NOT NULL,
    grant_id TEXT,
    user_code TEXT,
    uid TEXT,
    expires_at INTEGER,
    consumed_at INTEGER,
    PRIMARY KEY (kind, id)
  ) WITHOUT ROWID;
  CREATE INDEX oidc_artifacts_grant ON oidc_artifacts(grant_id) WHERE grant_id IS NOT NULL;
  CREATE INDEX oidc_artifacts_user_code ON oidc_artifacts(kind, user_code) WHERE user_code IS NOT NULL;
  CREATE INDEX oidc_artifacts_uid ON oidc_artifacts(kind, uid) WHERE uid IS NOT NULL;
  CREATE INDEX oidc_artifacts_expiry ON oidc_artifacts(expires_at) WHERE expires_at IS NOT NULL;
  `,
];
