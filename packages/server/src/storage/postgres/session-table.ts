/**
 * A table of revocable sessions in PostgreSQL (web_sessions, app_sessions):
 * the queries of the SessionStore port written once, over each table's columns.
 */
import type { RevocableSession, SessionStore } from '../../domain/session-store.js';
import type { Row } from '../rows.js';
import type { Db } from './db.js';

export interface SessionTable<R> {
  /** A constant of ours, never input: it is written into the statements. */
  name: 'web_sessions' | 'app_sessions';
  /** The columns an insert writes, in the order `values` gives them. */
  columns: readonly string[];
  /** Those of `columns` that hold JSON (their value is sent as text and cast). */
  jsonColumns: readonly string[];
  values(session: R): unknown[];
  record(row: Row): R;
}

export class PgSessionTable<R extends RevocableSession> implements SessionStore<R> {
  readonly #insert: string;
  constructor(
    private readonly db: Db,
    private readonly table: SessionTable<R>,
  ) {
    const placeholders = table.columns.map(
      (c, i) => `$${i + 1}${table.jsonColumns.includes(c) ? '::jsonb' : ''}`,
    );
    this.#insert = `INSERT INTO ${table.name} (${table.columns.join(', ')}) VALUES (${placeholders.join(', ')})`;
  }

  async insert(session: R): Promise<void> {
    await this.db.query(this.#insert, this.table.values(session));
  }
  async get(id: string): Promise<R | null> {
    const r = await this.db.one(`SELECT * FROM ${this.table.name} WHERE id = $1`, [id]);
    return r ? this.table.record(r) : null;
  }
  async listLive(userId: string, now: number): Promise<R[]> {
    const rows = await this.db.rows(
      `SELECT * FROM ${this.table.name} WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2
       ORDER BY created_at DESC, id DESC`,
      [userId, now],
    );
    return rows.map(this.table.record);
  }
  async revoke(id: string, userId: string, at: number): Promise<boolean> {
    const changed = await this.db.count(
      `UPDATE ${this.table.name} SET revoked_at = $3
       WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL AND expires_at > $3`,
      [id, userId, at],
    );
    return changed === 1;
  }
  async revokeAll(userId: string, at: number): Promise<number> {
    return this.db.count(
      `UPDATE ${this.table.name} SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2`,
      [userId, at],
    );
  }
  async deleteExpired(now: number): Promise<number> {
    return this.db.count(`DELETE FROM ${this.table.name} WHERE expires_at <= $1`, [now]);
  }
}
