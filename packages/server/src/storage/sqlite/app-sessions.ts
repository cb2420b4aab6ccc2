/** App sessions (one per password login), in SQLite. */
import type Database from 'better-sqlite3';
import type { AppSessionRecord, AppSessionStore } from '../../domain/ports.js';
import { type Row, rowsOf, sqliteDialect } from '../rows.js';
import { json, writeUnique } from './db.js';
import type { GroupCommit } from './group-commit.js';

const records = rowsOf(sqliteDialect);

export class SqliteAppSessions implements AppSessionStore {
  readonly #s;
  constructor(
    db: Database.Database,
    private readonly writes: GroupCommit,
  ) {
    this.#s = {
      insert: db.prepare(
        `INSERT INTO app_sessions (id, pool_id, user_id, app_id, created_at, expires_at, revoked_at,
          request_context) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      get: db.prepare('SELECT * FROM app_sessions WHERE id = ?'),
      listLive: db.prepare(
        `SELECT * FROM app_sessions WHERE user_id = ? AND revoked_at IS NULL AND expires_at > ?
         ORDER BY created_at DESC, id DESC`,
      ),
      revoke: db.prepare(
        `UPDATE app_sessions SET revoked_at = @at
         WHERE id = @id AND user_id = @userId AND revoked_at IS NULL AND expires_at > @at`,
      ),
      revokeAll: db.prepare(
        'UPDATE app_sessions SET revoked_at = @at WHERE user_id = @userId AND revoked_at IS NULL AND expires_at > @at',
      ),
      deleteExpired: db.prepare('DELETE FROM app_sessions WHERE expires_at <= ?'),
    };
  }
  insert(a: AppSessionRecord): Promise<void> {
    return writeUnique(this.writes, () => {
      this.#s.insert.run(
        a.id,
        a.poolId,
        a.userId,
        a.appId,
        a.createdAt,
        a.expiresAt,
        a.revokedAt,
        a.requestContext ? json(a.requestContext) : null,
      );
    });
  }
  async get(id: string): Promise<AppSessionRecord | null> {
    const r = this.#s.get.get(id) as Row | undefined;
    return r ? records.appSession(r) : null;
  }
  async listLive(userId: string, now: number): Promise<AppSessionRecord[]> {
    return (this.#s.listLive.all(userId, now) as Row[]).map(records.appSession);
  }
  revoke(id: string, userId: string, at: number): Promise<boolean> {
    return this.writes.run(() => {
      return this.#s.revoke.run({ id, userId, at }).changes === 1;
    });
  }
  revokeAll(userId: string, at: number): Promise<number> {
    return this.writes.run(() => {
      return this.#s.revokeAll.run({ userId, at }).changes;
    });
  }
  deleteExpired(now: number): Promise<number> {
    return this.writes.run(() => {
      return this.#s.deleteExpired.run(now).changes;
    });
  }
}
