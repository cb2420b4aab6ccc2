/**
 * The health checks (issue 15): liveness asks nothing of the backends;
 * readiness (and /health, its first name) is 200 once the start is complete,
 * a signing key is loaded and the storage answers, and turns 503 when the
 * storage stops answering, on SQLite and on PostgreSQL + Redis.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { loadConfig } from '../src/config/load.js';
import { buildHttp } from '../src/http/app.js';
import { createRuntime } from '../src/runtime.js';
import { assertError, call, freePort, startTestServer } from './helpers.js';
import { BACKENDS, testPostgres } from './support/backends.js';
import { startRedis } from './support/redis.js';

const PROBES = ['/health', '/health/live', '/health/ready'] as const;

for (const backend of BACKENDS) {
  describe(`health checks on ${backend.name}`, () => {
    it('answer 200 on a running service', async () => {
      const s = await backend.start();
      try {
        for (const path of PROBES) {
          const answer = await call(s.url, 'GET', path);
          assert.equal(answer.status, 200, path);
          assert.deepEqual(answer.body, { code: 200, message: 'ok', data: { status: 'ok' } }, path);
          assert.equal(answer.headers.get('cache-control'), 'no-store');
        }
      } finally {
        await s.close();
      }
    });
  });
}

describe('readiness when the storage stops answering', () => {
  it('SQLite: ready turns 503 (5030), live stays 200', async () => {
    const s = await startTestServer();
    try {
      assert.equal((await call(s.url, 'GET', '/health/ready')).status, 200);
      // The database goes away under the running service.
      await s.services.storage.close();
      for (const path of ['/health/ready', '/health']) {
        const answer = await call(s.url, 'GET', path);
        assertError(answer, 'STORAGE_UNAVAILABLE');
        assert.equal(answer.headers.get('retry-after'), '2');
      }
      assert.equal((await call(s.url, 'GET', '/health/live')).status, 200);
    } finally {
      await s.close();
    }
  });

  it('PostgreSQL + Redis: ready turns 503 (5030) while Redis is down, live stays 200', async () => {
    const pg = await testPostgres();
    const redis = await startRedis();
    after(() => redis.stop());
    const s = await startTestServer({
      env: {
        DATABASE_URL: await pg.createDatabase(),
        REDIS_URL: redis.url,
        REDIS_KEY_PREFIX: `test-${randomUUID()}:`,
        STORAGE_TIMEOUT: '0',
      },
    });
    try {
      assert.equal((await call(s.url, 'GET', '/health/ready')).status, 200);
      await redis.stopServer();
      // No client-side limit is set (STORAGE_TIMEOUT=0): the refusal is Redis being gone, not a timer.
      assertError(await call(s.url, 'GET', '/health/ready'), 'STORAGE_UNAVAILABLE');
      assertError(await call(s.url, 'GET', '/health'), 'STORAGE_UNAVAILABLE');
      assert.equal((await call(s.url, 'GET', '/health/live')).status, 200);
    } finally {
      await s.close();
    }
  });
});

describe('readiness during the start', () => {
  it('is 503 (5031) until the start is complete, then 200; live is 200 throughout', async () => {
    const port = await freePort();
    const services = await createRuntime(
      loadConfig({ LOG_LEVEL: 'silent', DATABASE_FILE: ':memory:', COMPANION: 'off', PORT: String(port) }),
    );
    let started = false;
    const app = await buildHttp(services, { started: () => started });
    try {
      await app.listen({ host: '127.0.0.1', port: 0 });
      const address = app.server.address();
      assert.ok(address && typeof address === 'object');
      const url = `http://127.0.0.1:${address.port}`;
      for (const path of ['/health/ready', '/health']) {
        const answer = await call(url, 'GET', path);
        assertError(answer, 'NOT_READY');
        assert.match(answer.body.message, /starting/);
        assert.equal(answer.headers.get('retry-after'), '1');
      }
      assert.equal((await call(url, 'GET', '/health/live')).status, 200);
      started = true;
      assert.equal((await call(url, 'GET', '/health/ready')).status, 200);
    } finally {
      await app.close();
      await services.close();
    }
  });
});
