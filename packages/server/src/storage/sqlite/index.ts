import type Database from 'better-sqlite3';
import type {
  AuditStore,
  DirectoryStore,
  KeyStore,
  QrSessionStore,
  WebSessionStore,
} from '../../domain/ports.js';
import type { DurableStores } from '../compose.js';
import { LocalSessionEvents } from '../local-events.js';
import { SqliteAudit } from './audit.js';
import { WalCheckpointer } from './checkpointer.js';
import { openSqlite } from './db.js';
import { SqliteDirectory } from './directory.js';
import { GroupCommit } from './group-commit.js';
import { SqliteKeys } from './keys.js';
import { SqliteOidcArtifacts } from './oidc.js';
import { SqliteSessions } from './sessions.js';
import { SqliteWebSessions } from './web-sessions.js';

export { migrateSqlite, openSqlite } from './db.js';

/**
 * One SQLite file with prepared statements, one file per store beside this
 * one: the durable stores, and the QR sessions with their in-process event
 * fan-out. better-sqlite3 is synchronous, so each statement is atomic with
 * respect to every other request of this process; the compare-and-set and
 * single-use consume are single UPDATE statements, which also makes them
 * atomic across processes sharing the file.
 *
 * Throttling counters are not kept here: the embedded composition (see
 * ../embedded.ts) keeps them in memory, since one process owns the file.
 */
export class SqliteStorage implements DurableStores {
  readonly db: Database.Database;
  readonly directory: DirectoryStore;
  readonly keys: KeyStore;
  readonly sessions: QrSessionStore;
  readonly events = new LocalSessionEvents();
  readonly audit: AuditStore;
  readonly webSessions: WebSessionStore;
  readonly oidc: SqliteOidcArtifacts;

  readonly #checkpointer: WalCheckpointer | null;
  readonly #writes: GroupCommit;

  /** `backgroundCheckpoints`: write the log back from a worker thread (see WalCheckpointer). */
  constructor(
    file: string,
    opts: { backgroundCheckpoints?: boolean | { everyMs?: number; limitPages?: number } } = {},
  ) {
    this.db = openSqlite(file);
    const bg = opts.backgroundCheckpoints;
    this.#checkpointer =
      bg && file !== ':memory:' ? new WalCheckpointer(this.db, file, bg === true ? {} : bg) : null;
    this.#writes = new GroupCommit(this.db);
    this.directory = new SqliteDirectory(this.db, this.#writes);
    this.keys = new SqliteKeys(this.db, this.#writes);
    this.sessions = new SqliteSessions(this.db, this.#writes);
    this.audit = new SqliteAudit(this.db, this.#writes);
    this.webSessions = new SqliteWebSessions(this.db, this.#writes);
    this.oidc = new SqliteOidcArtifacts(this.db, this.#writes);
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    if (this.db.open) this.#writes.flush();
    await this.#checkpointer?.stop();
    if (this.db.open) this.db.close();
  }
}
