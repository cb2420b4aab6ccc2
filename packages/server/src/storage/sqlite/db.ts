import { chmodSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { ConflictError } from '../../domain/ports.js';
import type { GroupCommit } from './group-commit.js';
import { migrations } from './migrations.js';

/** Applies pending migrations; returns the schema version reached. */
export function migrateSqlite(db: Database.Database): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (let v = current; v < migrations.length; v++) {
    const step = migrations[v]!;
    db.transaction(() => {
      if (typeof step === 'string') db.exec(step);
      else step(db);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
  return migrations.length;
}

/** Opens (creating if needed) the database file; `:memory:` for a throwaway one. */
export function openSqlite(file: string): Database.Database {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const db = new Database(file);
  if (file !== ':memory:') chmodSync(file, 0o600);
  db.pragma('journal_mode = WAL');
  // NORMAL is durable across application crashes in WAL mode; only a power
  // loss may drop the last transactions, which are QR sessions and counters.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // 32 MiB of page cache (default 2 MiB): polling many waiting codes keeps their rows in memory.
  db.pragma('cache_size = -32768');
  migrateSqlite(db);
  return db;
}

export const json = (v: unknown): string => JSON.stringify(v);
export const parseObj = (v: unknown): Record<string, unknown> => (typeof v === 'string' ? JSON.parse(v) : {});

/** A write (in the group commit) whose unique clash becomes the contract's ConflictError. */
export function writeUnique<T>(writes: GroupCommit, write: () => T): Promise<T> {
  return writes.run(() => {
    try {
      return write();
    } catch (err) {
      return rethrowConflict(err);
    }
  });
}

/** Maps SQLite's unique-constraint failure to the contract's ConflictError. */
export function rethrowConflict(err: unknown): never {
  if (err instanceof Error && (err as { code?: string }).code?.startsWith('SQLITE_CONSTRAINT')) {
    // Unique indexes are (pool_id, field): the clashing field is the last column named.
    const m = /UNIQUE constraint failed: .*\.(\w+)$/.exec(err.message);
    const column = m?.[1] === 'username_key' ? 'username' : m?.[1];
    throw new ConflictError(column ?? (/PRIMARY|FOREIGN/.test(err.message) ? 'id' : 'unique field'));
  }
  throw err;
}
