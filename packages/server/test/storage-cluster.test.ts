/**
 * The conformance suite on the combination several instances run in
 * production: PostgreSQL for the durable stores and Redis for the hot ones,
 * composed exactly as `openStorage` composes them for DATABASE_URL + REDIS_URL.
 */
import { randomUUID } from 'node:crypto';
import { after } from 'node:test';
import { composeStorage } from '../src/storage/compose.js';
import { openPostgres } from '../src/storage/postgres/index.js';
import { openRedis } from '../src/storage/redis/index.js';
import { storageConformance } from './support/conformance.js';
import { startPostgres, type TestPostgres, UNHURRIED_POSTGRES } from './support/postgres.js';
import { startRedis, type TestRedis, UNHURRIED_REDIS } from './support/redis.js';

let servers: Promise<[TestPostgres, TestRedis]> | undefined;
const started = () => {
  servers ??= Promise.all([startPostgres(), startRedis()]);
  return servers;
};
after(async () => {
  if (!servers) return;
  const [pg, redis] = await servers;
  await Promise.allSettled([pg.stop(), redis.stop()]);
});

storageConformance('PostgreSQL + Redis (several instances)', async () => {
  const [pg, redis] = await started();
  // A fresh database and key prefix per run: every run starts empty.
  // Without client-side timeouts: a slow machine must not turn into a failure.
  const durable = await openPostgres(await pg.createDatabase(), UNHURRIED_POSTGRES);
  const hot = await openRedis(redis.url, { ...UNHURRIED_REDIS, keyPrefix: `conformance-${randomUUID()}:` });
  return composeStorage(durable, hot);
});
