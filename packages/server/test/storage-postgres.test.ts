import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { StorageUnavailableError } from '../src/domain/errors.js';
import { ConflictError, DEFAULT_POOL_SECURITY, type Storage, type UserRecord } from '../src/domain/ports.js';
import { composeStorage } from '../src/storage/compose.js';
import { embeddedHotStores } from '../src/storage/embedded.js';
import {
  createPostgresPool,
  migratePostgres,
  openPostgres,
  type PostgresStorage,
} from '../src/storage/postgres/index.js';
import { migrations } from '../src/storage/postgres/migrations.js';
import { SqliteStorage } from '../src/storage/sqlite/index.js';
import { conflictField } from './support/conflicts.js';
import { storageConformance } from './support/conformance.js';
import { startPostgres, type TestPostgres, UNHURRIED_POSTGRES } from './support/postgres.js';

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
  const durable = await openPostgres(await (await pgServer()).createDatabase(), UNHURRIED_POSTGRES);
  const hot = new SqliteStorage(':memory:');
  // Every kind of artifact through PostgreSQL (as the hot half's too), so the suite covers the adapter whole.
  return composeStorage(durable, { ...embeddedHotStores(hot), oidc: durable.oidc });
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
    const db = createPostgresPool(await (await pgServer()).createDatabase(), UNHURRIED_POSTGRES);
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
    const instances = [1, 2, 3].map(() => createPostgresPool(url, UNHURRIED_POSTGRES));
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

describe('PostgreSQL migration of usernames that differ only by case (issue 13)', () => {
  it("keeps the oldest account's name and renames later ones <name>~<id>; names are then unique whatever their case", async () => {
    const url = await (await pgServer()).createDatabase();
    const db = createPostgresPool(url);
    try {
      // A database of the release before: schema version 1, where usernames were unique only as written.
      await db.query(
        'CREATE TABLE schema_migrations (version INT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL)',
      );
      await db.query(migrations[0] as string);
      await db.query('INSERT INTO schema_migrations VALUES (1, now())');
      await db.query(
        `INSERT INTO pools (id, name, rsa_public_key, rsa_private_key, created_at)
         VALUES ('p1', 'one', 'pub', 'priv', 0), ('p2', 'two', 'pub', 'priv', 0)`,
      );
      await db.query(
        `INSERT INTO users (id, pool_id, username, email, created_at, updated_at) VALUES
         ('u-newest', 'p1', 'ALICE', NULL, 3, 0),
         ('u-oldest', 'p1', 'Alice', NULL, 1, 0),
         ('u-middle', 'p1', 'alice', 'alice@example.com', 2, 0),
         ('u-bob', 'p1', 'bob', NULL, 4, 0),
         ('u-other-pool', 'p2', 'alice', NULL, 5, 0),
         ('u-no-name', 'p1', NULL, 'nameless@example.com', 6, 0)`,
      );
      assert.deepEqual(await migratePostgres(db), { from: 1, to: migrations.length });
    } finally {
      await db.end();
    }
    const st = await openPostgres(url);
    try {
      const names = async (...ids: string[]) =>
        Promise.all(ids.map(async (id) => (await st.directory.getUser(id))?.username));
      assert.deepEqual(
        await names('u-oldest', 'u-middle', 'u-newest', 'u-bob', 'u-other-pool', 'u-no-name'),
        ['Alice', 'alice~u-middle', 'ALICE~u-newest', 'bob', 'alice', null],
      );
      assert.equal((await st.directory.findUserByAccount('p1', 'aLiCe'))?.id, 'u-oldest');
      assert.equal((await st.directory.findUserByAccount('p1', 'ALICE~U-MIDDLE'))?.id, 'u-middle');
      assert.equal((await st.directory.findUserByAccount('p2', 'ALICE'))?.id, 'u-other-pool');
      assert.equal(
        await conflictField(st.directory.insertUser(user('u-new', { username: 'BOB' }))),
        'username',
      );
    } finally {
      await st.close();
    }
  });
});

describe('PostgreSQL adapter', () => {
  it('names the clashing field like the SQLite adapter does', async () => {
    const st = await openPostgres(await (await pgServer()).createDatabase(), UNHURRIED_POSTGRES);
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
    const st = await openPostgres(await (await pgServer()).createDatabase(), UNHURRIED_POSTGRES);
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
    // No timeouts at all: whatever fails below failed because the server is gone, not because time ran out.
    const st = await openPostgres(url, { ...UNHURRIED_POSTGRES, onIdleError: (e) => idleErrors.push(e) });
    let restarted = false;
    try {
      await st.directory.insertPool(pool('p1'));
      // Several idle connections in the pool, which the shutdown will break.
      await Promise.all([st.directory.getPool('p1'), st.directory.listPools(), st.ping()]);

      await pgs.stopServer();
      // Failing fast, not hanging: each call is refused (a new connection) or
      // finds its connection broken, which is all a call can meet without timers.
      const failures = [
        st.directory.getPool('p1'),
        st.directory.updatePool('p1', { name: 'x' }),
        st.ping(),
        openPostgres(url, UNHURRIED_POSTGRES),
      ];
      for (const call of failures) {
        const err = await call.then(
          () => assert.fail('succeeded with the server stopped'),
          (e: unknown) => e,
        );
        assert.ok(err instanceof StorageUnavailableError, String(err));
        const cause = err.cause as Error & { code?: string };
        assert.ok(
          cause.code === 'ECONNREFUSED' ||
            cause.code === '57P01' ||
            /Connection terminated/.test(cause.message),
          `refused or broken, not timed out: ${cause.code} ${cause.message}`,
        );
      }
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
    const url = await pgs.createDatabase();
    // The timeouts are what this case is about, so they must bite only while the
    // server is frozen: set up on a pool without limits, and give the store under
    // test its query timeout on the one connection it opens while all is well
    // (the migration check, whose own queries have no limit), its connection
    // timeout only once the server is frozen, and neither after it is back.
    const setup = await openPostgres(url, UNHURRIED_POSTGRES);
    await setup.directory.insertPool(pool('p1'));
    await setup.close();
    const st: PostgresStorage = await openPostgres(url, {
      connectionTimeoutMillis: 0,
      queryTimeoutMillis: 500,
    });
    assert.equal(st.pool.idleCount, 1, 'one idle connection, made before the freeze');
    try {
      pgs.pause();
      // The idle connection's query gets no answer: it fails by the query timeout.
      const stalled = await st.directory.getPool('p1').then(
        () => assert.fail('answered while frozen'),
        (e: unknown) => e,
      );
      assert.ok(stalled instanceof StorageUnavailableError, String(stalled));
      assert.match((stalled.cause as Error).message, /Query read timeout/);
      // New connections get no answer either: they fail by the connection timeout.
      st.pool.options.connectionTimeoutMillis = 500;
      for (const result of await Promise.allSettled([
        st.directory.getPool('p1'),
        st.directory.getPool('p1'),
      ])) {
        assert.equal(result.status, 'rejected');
        const err = (result as PromiseRejectedResult).reason;
        assert.ok(err instanceof StorageUnavailableError, String(err));
        // Said by the pool or by the connection itself, whichever timer ran first: both are this timeout.
        assert.match(
          (err.cause as Error).message,
          /timeout exceeded when trying to connect|Connection terminated due to connection timeout/,
        );
      }
    } finally {
      pgs.resume();
    }
    try {
      // Back to no limits (new connections take their settings from the pool's options).
      st.pool.options.connectionTimeoutMillis = 0;
      (st.pool.options as { query_timeout?: number }).query_timeout = 0;
      assert.equal((await st.directory.getPool('p1'))?.id, 'p1');
    } finally {
      await st.close();
    }
  });
});
