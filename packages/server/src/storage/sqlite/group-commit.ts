import type Database from 'better-sqlite3';

interface Waiter {
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit: the writes of every request served in one turn of the event
 * loop share one transaction, committed right after that turn.
 *
 * Each commit appends the changed pages to the write-ahead log, a few write
 * calls whatever the size of the change, and on a busy server that cost per
 * commit, not the statements, was most of a write (three commits per ticket
 * exchange). A caller's promise settles only after the commit that holds its
 * write, so an acknowledged write is as durable as before; what changes is
 * that twenty concurrent requests pay for one commit instead of twenty.
 *
 * Statements run at once, inside the open transaction, so this connection
 * reads its own writes and every compare-and-set stays one atomic statement
 * (better-sqlite3 is synchronous: nothing interleaves with it). A statement
 * that fails (a unique clash) is undone alone and the transaction goes on. If
 * SQLite had to roll the whole transaction back (disk full, I/O error), every
 * write it held is reported failed to its caller, none as done.
 */
export class GroupCommit {
  #waiting: Waiter[] = [];
  #scheduled = false;

  constructor(private readonly db: Database.Database) {}

  /** Runs `write` in the open transaction; settles once that transaction is committed. */
  run<T>(write: () => T): Promise<T> {
    if (!this.db.inTransaction) this.db.exec('BEGIN IMMEDIATE');
    // Scheduled even if this write fails: the transaction (and its lock) must not outlive the turn.
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => this.flush());
    }
    let result: T;
    try {
      result = write();
    } catch (err) {
      if (!this.db.inTransaction) this.#failAll(err); // SQLite rolled everything back
      return Promise.reject(err);
    }
    return new Promise<T>((resolve, reject) => {
      this.#waiting.push({ resolve: () => resolve(result), reject });
    });
  }

  /** Commits the open transaction now (before closing the database, or a direct statement). */
  flush(): void {
    this.#scheduled = false;
    if (!this.db.inTransaction) {
      // Writes still waiting without their transaction: SQLite rolled it back under them.
      if (this.#waiting.length > 0) this.#failAll(null);
      return;
    }
    try {
      this.db.exec('COMMIT');
    } catch (err) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      this.#failAll(err);
      return;
    }
    this.#settle(null);
  }

  #failAll(err: unknown): void {
    this.#settle(err ?? new Error('SQLite rolled the transaction back'));
  }

  #settle(err: unknown): void {
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const w of waiting) err === null ? w.resolve() : w.reject(err);
  }
}
