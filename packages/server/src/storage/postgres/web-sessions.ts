/** Web sessions born of QR logins, in PostgreSQL. */
import type { WebSessionRecord } from '../../domain/ports.js';
import { postgresDialect, rowsOf } from '../rows.js';
import { type Db, json } from './db.js';
import { PgSessionTable } from './session-table.js';

const records = rowsOf(postgresDialect);

export class PgWebSessions extends PgSessionTable<WebSessionRecord> {
  constructor(db: Db) {
    super(db, {
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
      jsonColumns: ['request_context'],
      values: (w) => [
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
      record: records.webSession,
    });
  }
}
