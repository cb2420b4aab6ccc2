/** The PostgreSQL connection shared by the stores, and how its failures become the contract's errors. */
import type { Pool, PoolClient, QueryResult } from 'pg';
import { ConflictError, StorageUnavailableError } from '../../domain/ports.js';
import type { Row } from '../rows.js';

type Queryable = Pick<PoolClient, 'query'>;

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
// SQLSTATEs of a server that is stopping, crashed, starting up or out of connection slots.
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);
// node-postgres reports a lost connection, a pool or connect timeout and a query timeout by message only.
const UNAVAILABLE_MESSAGE =
  /Connection terminated|timeout exceeded when trying to connect|timeout expired|Query read timeout|is not queryable/;

/** Whether the error means "the database cannot be reached", as opposed to a bad statement. */
export function isConnectionError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') {
    // Class 08: connection exception.
    if (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code) || code.startsWith('08')) return true;
  }
  // Node 20 tries each address of a host name and reports them together.
  if (err instanceof AggregateError && err.errors.some(isConnectionError)) return true;
  return UNAVAILABLE_MESSAGE.test(err.message);
}

// Unique indexes whose clash names a field other than `id` (see migrations.ts).
const CONFLICT_FIELDS: Record<string, string> = {
  users_username_key: 'username',
  users_email: 'email',
  users_phone: 'phone',
  signing_keys_pkey: 'kid',
};

/**
 * Maps driver errors to the contract's: unique and foreign-key violations to
 * ConflictError with the field names the SQLite adapter reports, connection
 * failures to StorageUnavailableError (rendered as 503). The field is taken
 * from the constraint name, not the message, which the server may translate.
 */
export function toStorageError(err: unknown): unknown {
  if (isConnectionError(err)) return new StorageUnavailableError('postgres', err);
  const { code, constraint } = err as { code?: unknown; constraint?: unknown };
  if (code === '23505') {
    const name = typeof constraint === 'string' ? constraint : '';
    return new ConflictError(CONFLICT_FIELDS[name] ?? (name.endsWith('_pkey') ? 'id' : 'unique field'));
  }
  // An app or user of a pool that does not exist; SQLite reports it as `id` too.
  if (code === '23503') return new ConflictError('id');
  return err;
}

/**
 * Runs queries on pool clients it checks out itself (rather than
 * `pool.query`, which throws away the connection after any error, even a
 * unique violation) and translates errors.
 */
export class Db {
  constructor(private readonly pool: Pool) {}

  query(text: string, values: unknown[] = []): Promise<QueryResult<Row>> {
    return this.withClient((c) => c.query<Row>(text, values));
  }

  async rows(text: string, values: unknown[] = []): Promise<Row[]> {
    return (await this.query(text, values)).rows;
  }

  async one(text: string, values: unknown[] = []): Promise<Row | null> {
    return (await this.query(text, values)).rows[0] ?? null;
  }

  /** How many rows the statement changed. */
  async count(text: string, values: unknown[] = []): Promise<number> {
    return (await this.query(text, values)).rowCount ?? 0;
  }

  transaction<T>(fn: (c: Queryable) => Promise<T>): Promise<T> {
    return this.withClient(async (c) => {
      await c.query('BEGIN');
      try {
        const result = await fn(c);
        await c.query('COMMIT');
        return result;
      } catch (err) {
        // If the connection is gone the ROLLBACK fails too; the pool then drops the client.
        await c.query('ROLLBACK').catch(() => {});
        throw err;
      }
    });
  }

  private async withClient<T>(fn: (c: PoolClient) => Promise<T>): Promise<T> {
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      throw toStorageError(err);
    }
    // A checked-out client has no pool listener: an 'error' event now (the
    // server went away between two statements) would be an uncaught exception.
    let broken: Error | undefined;
    const onError = (err: Error) => {
      broken = err;
    };
    client.on('error', onError);
    try {
      return await fn(client);
    } catch (err) {
      if (isConnectionError(err)) broken ??= err as Error;
      throw toStorageError(err);
    } finally {
      client.off('error', onError);
      // Releasing with an error closes the connection instead of reusing it.
      client.release(broken);
    }
  }
}

export const json = (v: unknown): string | null => (v == null ? null : JSON.stringify(v));
