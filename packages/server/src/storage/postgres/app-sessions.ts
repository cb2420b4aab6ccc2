/** App sessions (one per password login), in PostgreSQL. */
import type { AppSessionRecord } from '../../domain/ports.js';
import { postgresDialect, rowsOf } from '../rows.js';
import { type Db, json } from './db.js';
import { PgSessionTable } from './session-table.js';

const records = rowsOf(postgresDialect);

export class PgAppSessions extends PgSessionTable<AppSessionRecord> {
  constructor(db: Db) {
    super(db, {
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
      jsonColumns: ['request_context'],
      values: (a) => [
        a.id,
        a.poolId,
        a.userId,
        a.appId,
        a.createdAt,
        a.expiresAt,
        a.revokedAt,
        json(a.requestContext),
      ],
      record: records.appSession,
    });
  }
}
