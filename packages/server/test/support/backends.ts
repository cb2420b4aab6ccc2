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
  /** The settings (environment) that select this storage for one new server. */
  env(): Promise<Record<string, string>>;
  /** A live service on this storage, seeded like `startTestServer`'s. */
  start(opts?: StartOptions): Promise<TestServer>;
}

let servers: Promise<[TestPostgres, TestRedis]> | undefined;
after(async () => {
  if (!servers) return;
  const [pg, redis] = await servers;
  await Promise.allSettled([pg.stop(), redis.stop()]);
});

/** This test file's PostgreSQL and Redis servers, started on first use. */
export function sharedServers(): Promise<[TestPostgres, TestRedis]> {
  servers ??= Promise.all([startPostgres(), startRedis()]);
  return servers;
}

/** PostgreSQL alone, for tests that read its tables directly. */
export async function testPostgres(): Promise<TestPostgres> {
  return (await sharedServers())[0];
}

async function clusterEnv(): Promise<Record<string, string>> {
  const [pg, redis] = await sharedServers();
  return {
    DATABASE_URL: await pg.createDatabase(),
    REDIS_URL: redis.url,
    REDIS_KEY_PREFIX: `test-${randomUUID()}:`,
    // No client-side storage limits: a busy machine must not turn into 503s.
    STORAGE_TIMEOUT: '0',
  };
}

export const BACKENDS: readonly Backend[] = [
  {
    name: 'SQLite (embedded)',
    env: async () => ({}),
    start: (opts = {}) => startTestServer(opts),
  },
  {
    name: 'PostgreSQL + Redis',
    env: clusterEnv,
    async start(opts = {}) {
      return startTestServer({ ...opts, env: { ...opts.env, ...(await clusterEnv()) } });
    },
  },
];

/** The backends, for `for (const backend of backends()) describe(...)`. */
export function backends(): readonly Backend[] {
  return BACKENDS;
}

/** Services sharing one storage: the embedded SQLite's single instance, or two on PostgreSQL + Redis. */
export interface World {
  name: string;
  /** The instances, all seeded alike; the first made the seed. */
  start(opts?: StartOptions): Promise<TestServer[]>;
}

/**
 * For behaviours that must hold across instances (a revocation through one
 * seen by the other at once): SQLite has one instance by construction, the
 * cluster mode gets two in this process, on the same database and key prefix.
 */
export const WORLDS: readonly World[] = [
  {
    name: 'SQLite (embedded), one instance',
    start: async (opts = {}) => [await startTestServer(opts)],
  },
  {
    name: 'PostgreSQL + Redis, two instances',
    async start(opts = {}) {
      const env = { ...opts.env, ...(await clusterEnv()) };
      const first = await startTestServer({ ...opts, env });
      // One service behind a load balancer: one public URL (the tokens' issuer) for both.
      const shared = { ...env, PUBLIC_URL: first.services.config.publicUrl };
      return [first, await startTestServer({ ...opts, env: shared, join: first })];
    },
  },
];
