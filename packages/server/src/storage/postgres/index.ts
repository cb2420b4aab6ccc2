import pg, { type Pool } from 'pg';
import type { AuditStore, DirectoryStore, KeyStore, WebSessionStore } from '../../domain/ports.js';
import { PgAudit } from './audit.js';
import { Db, toStorageError } from './db.js';
import { PgDirectory } from './directory.js';
import { PgKeys } from './keys.js';
import { migratePostgres } from './migrations.js';
import { PgOidcArtifacts } from './oidc.js';
import { PgWebSessions } from './web-sessions.js';

export { isConnectionError } from './db.js';
export { migratePostgres };

export interface PostgresOptions {
  /** Most connections this instance holds (default 10). */
  max?: number;
  /** How long a call waits for a connection before failing as unavailable, in ms (default 2000). */
  connectionTimeoutMillis?: number;
  /**
   * How long a query may wait for its answer, in ms (default 10000; 0: forever).
   * Bounds calls to a server that accepts connections but no longer answers.
   */
  queryTimeoutMillis?: number;
  /**
   * Told when an idle connection breaks (the server restarted, the network
   * dropped). The pool replaces it on its own; the default ignores the event.
   */
  onIdleError?: (err: Error) => void;
}

/** The durable stores served by PostgreSQL, with the migration run when it opened. */
export interface PostgresStorage {
  readonly pool: Pool;
  readonly directory: DirectoryStore;
  readonly keys: KeyStore;
  readonly audit: AuditStore;
  readonly webSessions: WebSessionStore;
  readonly oidc: PgOidcArtifacts;
  readonly migration: { from: number; to: number };
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A pool set up the way the adapter needs it: BIGINT columns (millisecond
 * times) come back as numbers instead of strings, and a broken idle
 * connection is an event, not an uncaught exception that kills the process.
 */
export function createPostgresPool(url: string, opts: PostgresOptions = {}): Pool {
  try {
    new URL(url);
  } catch {
    // No cause: URL errors carry the input, which may hold the password.
    throw new Error('The PostgreSQL URL is not a valid URL (postgres://user:password@host:port/database)');
  }
  // Per pool rather than pg.types.setTypeParser, which would change every pg user in the process.
  const types = new pg.TypeOverrides();
  // Millisecond timestamps stay far below 2^53.
  types.setTypeParser(pg.types.builtins.INT8, (v: string) => Number(v));
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.max ?? 10,
    connectionTimeoutMillis: opts.connectionTimeoutMillis ?? 2000,
    query_timeout: opts.queryTimeoutMillis ?? 10_000,
    idleTimeoutMillis: 30_000,
    // Notice a silently dead server on idle connections.
    keepAlive: true,
    application_name: 'scanlogin',
    types,
  });
  pool.on('error', (err) => opts.onIdleError?.(err));
  return pool;
}

/** Opens the pool and brings the schema up to date. Fails with StorageUnavailableError if the server is down. */
export async function openPostgres(url: string, opts: PostgresOptions = {}): Promise<PostgresStorage> {
  const pool = createPostgresPool(url, opts);
  let migration: { from: number; to: number };
  try {
    migration = await migratePostgres(pool);
  } catch (err) {
    await pool.end().catch(() => {});
    throw toStorageError(err);
  }
  const db = new Db(pool);
  let closed: Promise<void> | undefined;
  return {
    pool,
    directory: new PgDirectory(db),
    keys: new PgKeys(db),
    audit: new PgAudit(db),
    webSessions: new PgWebSessions(db),
    oidc: new PgOidcArtifacts(db),
    migration,
    async ping() {
      await db.query('SELECT 1');
    },
    close() {
      // pg.Pool refuses a second end().
      closed ??= pool.end();
      return closed;
    },
  };
}
