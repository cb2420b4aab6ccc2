/**
 * The storage combinations the service ships, as running services in this
 * process (domain level, no HTTP): the embedded SQLite file (counters in
 * memory), and PostgreSQL + Redis as `openStorage` composes them for several
 * instances, with two instances sharing them. For tests that must hold on
 * every combination.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import type { Clock } from '../../src/domain/clock.js';
import type { Storage } from '../../src/domain/ports.js';
import { createRuntime, openStorage } from '../../src/runtime.js';
import type { Runtime } from '../../src/services.js';
import { sharedServers } from './backends.js';

export interface Instances {
  /** One service, or two sharing their storage. */
  instances: Runtime[];
  close(): Promise<void>;
}

export interface CombinationOptions {
  clock: Clock;
  /** Settings, as environment variables. */
  env?: Record<string, string>;
  /** Wraps each instance's storage (instance index given) before the services are built on it. */
  wrap?: (storage: Storage, index: number) => Storage;
}

const BASE_ENV = { LOG_LEVEL: 'silent', SEED_DEMO: 'false' };

async function embedded(o: CombinationOptions): Promise<Instances> {
  const dir = mkdtempSync(join(tmpdir(), 'scanlogin-combination-'));
  const config = loadConfig({
    ...BASE_ENV,
    ...o.env,
    DATA_DIR: dir,
    DATABASE_FILE: join(dir, 'scanlogin.db'),
  });
  const storage = await openStorage(config);
  const services = await createRuntime(config, { clock: o.clock, storage: o.wrap?.(storage, 0) ?? storage });
  return {
    instances: [services],
    async close() {
      await storage.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function cluster(o: CombinationOptions): Promise<Instances> {
  const [pg, redis] = await sharedServers();
  const config = loadConfig({
    ...BASE_ENV,
    ...o.env,
    // A database and a key prefix of their own: every combination starts empty.
    DATABASE_URL: await pg.createDatabase(),
    REDIS_URL: redis.url,
    REDIS_KEY_PREFIX: `test-${randomUUID()}:`,
  });
  const instances: Runtime[] = [];
  for (const index of [0, 1]) {
    const storage = await openStorage(config);
    instances.push(
      await createRuntime(config, { clock: o.clock, storage: o.wrap?.(storage, index) ?? storage }),
    );
  }
  return {
    instances,
    async close() {
      await Promise.allSettled(instances.map((s) => s.close()));
    },
  };
}

/** Name and opener of each combination, for `for (const [name, open] of COMBINATIONS) describe(...)`. */
export const COMBINATIONS = [
  ['embedded SQLite', embedded],
  ['PostgreSQL + Redis, two instances', cluster],
] as const;
