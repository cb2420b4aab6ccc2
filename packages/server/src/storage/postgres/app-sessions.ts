/** App sessions (one per password login), in PostgreSQL. */
import type { AppSessionRecord, AppSessionStore } from '../../domain/ports.js';
import { postgresDialect, rowsOf } from '../rows.js';
import { type Db, json } from './db.js';

const records = rowsOf(postgresDialect);

export class PgAppSessions implements AppSessionStore {
  constructor(private readonly db: Db) {}

  async insert(a: AppSessionRecord): Promise<void> {
    await this.db.query(
      `INSERT INTO app_sessions (id, pool_id, user_id, app_id, created_at, expires_at, revoked_at,
         request_context) VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb)`,
      [a.id, a.poolId, a.userId, a.appId, a.createdAt, a.expiresAt, a.revokedAt, json(a.requestContext)],
    );
  }
  async get(id: string): Promise<AppSessionRecord | null> {
    const r = await this.db.one('SELECT * FROM app_sessions WHERE id = $1', [id]);
    return r ? records.appSession(r) : null;
  }
  async listLive(userId: string, now: number): Promise<AppSessionRecord[]> {
    const rows = await this.db.rows(
      `SELECT * FROM app_sessions WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2
       ORDER BY created_at DESC, id DESC`,
      [userId, now],
    );
    return rows.map(records.appSession);
  }
  async revoke(id: string, userId: string, at: number): Promise<boolean> {
    const changed = await this.db.count(
      `UPDATE app_sessions SET revoked_at = $3
       WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL AND expires_at > $3`,
      [id, userId, at],
    );
    return changed === 1;
  }
  async revokeAll(userId: string, at: number): Promise<number> {
    return this.db.count(
      'UPDATE app_sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2',
      [userId, at],
    );
  }
  async deleteExpired(now: number): Promise<number> {
    return this.db.count('DELETE FROM app_sessions WHERE expires_at <= $1', [now]);
  }
}
