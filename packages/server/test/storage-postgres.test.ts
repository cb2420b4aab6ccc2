import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { StorageUnavailableError } from '../src/domain/errors.js';
import { storageConformance } from '../src/storage/conformance.js';
import {
  ConflictError,
  DEFAULT_POOL_SECURITY,
  type Storage,
  type UserRecord,
} from '../src/storage/contracts.js';
import {
  createPostgresPool,
  migratePostgres,
  openPostgres,
  type PostgresStorage,
} from '../src/storage/postgres/index.js';
import { migrations } from '../src/storage/postgres/migrations.js';
import { SqliteStorage } from '../src/storage/sqlite/index.js';
import { startPostgres, type TestPostgres } from './support/postgres.js';

// One server for the file, started by the first test that needs it.
let server: Promise<TestPostgres> | undefined;
const pgServer = () => {
  server ??= startPostgres();
  return server;
};
after(async () => {
  if (server) await (await server).stop();
});

/**
 * The durable half from PostgreSQL on a database of its own, the hot half
 * (QR sessions, counters, events) from an in-memory SQLite until the Redis
 * adapter exists.
 */
async function composedStorage(): Promise<Storage> {
  const durable = await openPostgres(await (await pgServer()).createDatabase());
  const hot = new SqliteStorage(':memory:');
  return {
    directory: durable.directory,
    keys: durable.keys,
    audit: durable.audit,
    webSessions: durable.webSessions,
    sessions: hot.sessions,
    counters: hot.counters,
    events: hot.events,
    // Every kind of artifact through PostgreSQL, so the suite covers the adapter whole.
    oidc: durable.oidc,
    async ping() {
      await Promise.all([durable.ping(), hot.ping()]);
    },
    async close() {
      await Promise.all([durable.close(), hot.close()]);
    },
  };
}

storageConformance('PostgreSQL (durable) + SQLite in memory (hot)', composedStorage);

const T0 = Date.UTC(2026, 0, 1);
const pool = (id: string) => ({
  id,
  name: id,
  rsaPublicKey: 'pub',
  rsaPrivateKey: 'priv',
  security: { ...DEFAULT_POOL_SECURITY },
  createdAt: T0,
});
const user = (id: string, over: Partial<UserRecord> = {}): UserRecord => ({
  id,
  poolId: 'p1',
  username: null,
  email: null,
  phone: null,
  passwordHash: null,
  nickname: null,
  photo: null,
  blocked: false,
  customData: {},
  createdAt: T0,
  updatedAt: T0,
  ...over,
});

describe('PostgreSQL migrations', () => {
  it('apply once; a second run is a no-op that reports from = to', async () => {
    const db = createPostgresPool(await (await pgServer()).createDatabase());
    try {
      assert.deepEqual(await migratePostgres(db), { from: 0, to: migrations.length });
      assert.deepEqual(await migratePostgres(db), { from: migrations.length, to: migrations.length });
      const { rows } = await db.query('SELECT version FROM schema_migrations ORDER BY version');
      assert.deepEqual(
        rows.map((r) => r.version),
        migrations.map((_, i) => i + 1),
      );
    } finally {
      await db.end();
    }
  });

  it('let several instances start at once on an empty database', async () => {
    const url = await (await pgServer()).createDatabase();
    const instances = [createPostgresPool(url), createPostgresPool(url), createPostgresPool(url)];
    try {
      const results = await Promise.all(instances.map((db) => migratePostgres(db)));
      for (const r of results) assert.equal(r.to, migrations.length);
      // Exactly one of them found the database empty; the others waited and found it done.
      assert.equal(results.filter((r) => r.from === 0).length, 1);
      const { rows } = await instances[0]!.query('SELECT count(*)::int AS n FROM schema_migrations');
      assert.equal(rows[0].n, migrations.length);
    } finally {
      await Promise.all(instances.map((db) => db.end()));
    }
  });
});

describe('PostgreSQL adapter', () => {
  it('names the clashing field like the SQLite adapter does', async () => {
    const st = await openPostgres(await (await pgServer()).createDatabase());
    try {
      await st.directory.insertPool(pool('p1'));
      await st.directory.insertUser(user('u1', { username: 'ann', email: 'a@x.example', phone: '+100' }));
      const fieldOf = async (p: Promise<unknown>) => {
        const err = await p.then(
          () => assert.fail('expected a ConflictError'),
          (e: unknown) => e,
        );
        assert.ok(err instanceof ConflictError, String(err));
        return err.field;
      };
      assert.equal(await fieldOf(st.directory.insertPool(pool('p1'))), 'id');
      assert.equal(await fieldOf(st.directory.insertUser(user('u1', { username: 'other' }))), 'id');
      assert.equal(await fieldOf(st.directory.insertUser(user('u2', { username: 'ann' }))), 'username');
      assert.equal(await fieldOf(st.directory.insertUser(user('u2', { email: 'a@x.example' }))), 'email');
      assert.equal(await fieldOf(st.directory.insertUser(user('u2', { phone: '+100' }))), 'phone');
      const key = { kid: 'k1', alg: 'ES256' as const, privateJwk: '{}', publicJwk: '{}', createdAt: T0 };
      await st.keys.insertKey({ ...key, retiredAt: null });
      assert.equal(await fieldOf(st.keys.insertKey({ ...key, retiredAt: null })), 'kid');
      // The store still works after conflicts (the connections were not spoiled).
      assert.equal((await st.directory.findUserByAccount('p1', '+100'))?.id, 'u1');
    } finally {
      await st.close();
    }
  });

  it('prefers a username match over an email or phone match, as SQLite does', async () => {
    const st = await openPostgres(await (await pgServer()).createDatabase());
    try {
      await st.directory.insertPool(pool('p1'));
      await st.directory.insertUser(user('by-email', { email: 'same' }));
      await st.directory.insertUser(user('by-phone', { phone: 'same' }));
      assert.equal((await st.directory.findUserByAccount('p1', 'same'))?.id, 'by-email');
      await st.directory.insertUser(user('by-name', { username: 'same' }));
      assert.equal((await st.directory.findUserByAccount('p1', 'same'))?.id, 'by-name');
    } finally {
      await st.close();
    }
  });

  it('reports a stopped server as StorageUnavailableError and works again once it is back', async () => {
    const pgs = await pgServer();
    const url = await pgs.createDatabase();
    const idleErrors: Error[] = [];
    const st = await openPostgres(url, { onIdleError: (e) => idleErrors.push(e) });
    let restarted = false;
    try {
      await st.directory.insertPool(pool('p1'));
      // Several idle connections in the pool, which the shutdown will break.
      await Promise.all([st.directory.getPool('p1'), st.directory.listPools(), st.ping()]);

      await pgs.stopServer();
      const started = Date.now();
      await assert.rejects(st.directory.getPool('p1'), StorageUnavailableError);
      await assert.rejects(st.directory.updatePool('p1', { name: 'x' }), StorageUnavailableError);
      await assert.rejects(st.ping(), StorageUnavailableError);
      await assert.rejects(openPostgres(url), StorageUnavailableError);
      assert.ok(Date.now() - started < 5000, 'failed fast, no hang');
      assert.ok(idleErrors.length > 0, 'the broken idle connections were reported, not thrown');

      await pgs.startServerAgain();
      restarted = true;
      assert.equal((await st.directory.getPool('p1'))?.name, 'p1');
      assert.equal((await st.directory.updatePool('p1', { name: 'back' }))?.name, 'back');
      await st.ping();
    } finally {
      if (!restarted) await pgs.startServerAgain();
      await st.close();
    }
  });

  it('times out against a server that no longer answers, then recovers', async () => {
    const pgs = await pgServer();
    const st: PostgresStorage = await openPostgres(await pgs.createDatabase(), {
      connectionTimeoutMillis: 500,
      queryTimeoutMillis: 500,
    });
    try {
      await st.directory.insertPool(pool('p1'));
      pgs.pause();
      const started = Date.now();
      // The idle connection's query times out; a new connection times out connecting.
      await assert.rejects(st.directory.getPool('p1'), StorageUnavailableError);
      await assert.rejects(
        Promise.all([st.directory.getPool('p1'), st.directory.getPool('p1')]),
        StorageUnavailableError,
      );
      assert.ok(Date.now() - started < 5000, 'bounded by the timeouts');
      pgs.resume();
      assert.equal((await st.directory.getPool('p1'))?.id, 'p1');
    } finally {
      pgs.resume();
      await st.close();
    }
  });
});
