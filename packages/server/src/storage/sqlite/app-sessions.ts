/** App sessions (one per password login), in SQLite. */
import type Database from 'better-sqlite3';
import type { AppSessionRecord } from '../../domain/ports.js';
import { rowsOf, sqliteDialect } from '../rows.js';
import { json } from './db.js';
import type { GroupCommit } from './group-commit.js';
import { SqliteSessionTable } from './session-table.js';

const records = rowsOf(sqliteDialect);

export class SqliteAppSessions extends SqliteSessionTable<AppSessionRecord> {
  constructor(db: Database.Database, writes: GroupCommit) {
    super(db, writes, {
      name: 'app_sessions',
      columns: [
        'id',
        'pool_id',
        'user_id',
        'app_id',
        'created_at',
        'expires_at',
        'revoked_at',
        'request_context',
      ],
      values: (a) => [
        a.id,
        a.poolId,
        a.userId,
        a.appId,
        a.createdAt,
        a.expiresAt,
        a.revokedAt,
        a.requestContext ? json(a.requestContext) : null,
      ],
      record: records.appSession,
    });
  }
}
