/**
 * A table of revocable sessions in SQLite (web_sessions, app_sessions): the
 * queries of the SessionStore port written once, over each table's columns.
 */
import type Database from 'better-sqlite3';
import type { RevocableSession, SessionStore } from '../../domain/session-store.js';
import type { Row } from '../rows.js';
import { writeUnique } from './db.js';
import type { GroupCommit } from './group-commit.js';

export interface SessionTable<R> {
  /** A constant of ours, never input: it is written into the statements. */
  name: 'web_sessions' | 'app_sessions';
  /** The columns an insert writes, in the order `values` gives them. */
  columns: readonly string[];
  values(session: R): unknown[];
  record(row: Row): R;
}

export class SqliteSessionTable<R extends RevocableSession> implements SessionStore<R> {
  readonly #s;
  readonly #record: (row: Row) => R;
  constructor(
    db: Database.Database,
    private readonly writes: GroupCommit,
    private readonly table: SessionTable<R>,
  ) {
    const t = table.name;
    this.#record = table.record;
    this.#s = {
      insert: db.prepare(
        `INSERT INTO ${t} (${table.columns.join(', ')}) VALUES (${table.columns.map(() => '?').join(', ')})`,
      ),
      get: db.prepare(`SELECT * FROM ${t} WHERE id = ?`),
      listLive: db.prepare(
        `SELECT * FROM ${t} WHERE user_id = ? AND revoked_at IS NULL AND expires_at > ?
         ORDER BY created_at DESC, id DESC`,
      ),
      revoke: db.prepare(
        `UPDATE ${t} SET revoked_at = @at
         WHERE id = @id AND user_id = @userId AND revoked_at IS NULL AND expires_at > @at`,
      ),
      revokeAll: db.prepare(
        `UPDATE ${t} SET revoked_at = @at WHERE user_id = @userId AND revoked_at IS NULL AND expires_at > @at`,
      ),
      deleteExpired: db.prepare(`DELETE FROM ${t} WHERE expires_at <= ?`),
    };
  }
  insert(session: R): Promise<void> {
    return writeUnique(this.writes, () => {
      this.#s.insert.run(...this.table.values(session));
    });
  }
  async get(id: string): Promise<R | null> {
    const r = this.#s.get.get(id) as Row | undefined;
    return r ? this.#record(r) : null;
  }
  async listLive(userId: string, now: number): Promise<R[]> {
    return (this.#s.listLive.all(userId, now) as Row[]).map(this.#record);
  }
  revoke(id: string, userId: string, at: number): Promise<boolean> {
    return this.writes.run(() => this.#s.revoke.run({ id, userId, at }).changes === 1);
  }
  revokeAll(userId: string, at: number): Promise<number> {
    return this.writes.run(() => this.#s.revokeAll.run({ userId, at }).changes);
  }
  deleteExpired(now: number): Promise<number> {
    return this.writes.run(() => this.#s.deleteExpired.run(now).changes);
  }
}
