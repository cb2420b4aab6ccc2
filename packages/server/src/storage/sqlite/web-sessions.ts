/** Web sessions born of QR logins, in SQLite. */
import type Database from 'better-sqlite3';
import type { WebSessionRecord } from '../../domain/ports.js';
import { rowsOf, sqliteDialect } from '../rows.js';
import { json } from './db.js';
import type { GroupCommit } from './group-commit.js';
import { SqliteSessionTable } from './session-table.js';

const records = rowsOf(sqliteDialect);

export class SqliteWebSessions extends SqliteSessionTable<WebSessionRecord> {
  constructor(db: Database.Database, writes: GroupCommit) {
    super(db, writes, {
      name: 'web_sessions',
      columns: [
        'id',
        'pool_id',
        'user_id',
        'app_id',
        'random',
        'created_at',
        'expires_at',
        'revoked_at',
        'request_context',
      ],
      values: (w) => [
        w.id,
        w.poolId,
        w.userId,
        w.appId,
        w.random,
        w.createdAt,
        w.expiresAt,
        w.revokedAt,
        w.requestContext ? json(w.requestContext) : null,
      ],
      record: records.webSession,
    });
  }
}
