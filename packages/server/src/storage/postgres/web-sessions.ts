import type { WebSessionRecord, WebSessionStore } from '../../domain/ports.js';
import { postgresDialect, rowsOf } from '../rows.js';
import { type Db, json } from './db.js';

const records = rowsOf(postgresDialect);

export class PgWebSessions implements WebSessionStore {
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
    return r ? records.webSession(r) : null;
  }
  async listLive(userId: string, now: number): Promise<WebSessionRecord[]> {
    const rows = await this.db.rows(
      `SELECT * FROM web_sessions WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2
       ORDER BY created_at DESC, id DESC`,
      [userId, now],
    );
    return rows.map(records.webSession);
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
