/**
 * The storage combinations a behaviour that touches storage must hold on:
 * the embedded SQLite a single instance runs, and PostgreSQL + Redis as
 * several instances run (composed by `openStorage` from DATABASE_URL +
 * REDIS_URL, exactly as in production). Each server gets an empty database
 * and key prefix of its own; the PostgreSQL and Redis processes are started
 * once per test file, on first use, and stopped when the file is done.
 */
import { randomUUID } from 'node:crypto';
import { after } from 'node:test';
import { startTestServer, type TestServer } from '../helpers.js';
import { startPostgres, type TestPostgres } from './postgres.js';
import { startRedis, type TestRedis } from './redis.js';

export type StartOptions = NonNullable<Parameters<typeof startTestServer>[0]>;

export interface Backend {
  name: string;
  /** A live service on this storage, seeded like `startTestServer`'s. */
  start(opts?: StartOptions): Promise<TestServer>;
}

/**
 * The backends, for `for (const backend of backends()) describe(...)`. Call
 * it once, at the top level of a test file: it also registers the cleanup.
 */
export function backends(): Backend[] {
  let shared: Promise<[TestPostgres, TestRedis]> | undefined;
  after(async () => {
    if (!shared) return;
    const [pg, redis] = await shared;
    await Promise.allSettled([pg.stop(), redis.stop()]);
  });
  return [
    { name: 'SQLite (embedded)', start: (opts = {}) => startTestServer(opts) },
    {
      name: 'PostgreSQL + Redis',
      async start(opts = {}) {
        shared ??= Promise.all([startPostgres(), startRedis()]);
        const [pg, redis] = await shared;
        return startTestServer({
          ...opts,
          env: {
            ...opts.env,
            DATABASE_URL: await pg.createDatabase(),
            REDIS_URL: redis.url,
            REDIS_KEY_PREFIX: `test-${randomUUID()}:`,
            // No client-side storage limits: a busy machine must not turn into 503s.
            STORAGE_TIMEOUT: '0',
          },
        });
      },
    },
  ];
}
