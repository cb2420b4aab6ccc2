import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, watch } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import Database from 'better-sqlite3';
import { ConflictError, DEFAULT_POOL_SECURITY } from '../src/domain/ports.js';
import { composeStorage } from '../src/storage/compose.js';
import { embeddedHotStores, openEmbeddedStorage } from '../src/storage/embedded.js';
import { SqliteStorage } from '../src/storage/sqlite/index.js';
import { migrations } from '../src/storage/sqlite/migrations.js';
import { conflictField } from './support/conflicts.js';
import { storageConformance } from './support/conformance.js';

const dir = mkdtempSync(join(tmpdir(), 'scanlogin-sqlite-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A SQLite file's stores with what goes with them in one process (counters in memory). */
const sqliteAlone = (file: string) => {
  const sqlite = new SqliteStorage(file);
  return composeStorage(sqlite, embeddedHotStores(sqlite));
};

storageConformance('SQLite file', () => sqliteAlone(join(dir, 'conformance.db')));
storageConformance('SQLite in memory', () => sqliteAlone(':memory:'));
storageConformance('embedded default (SQLite, counters in memory)', () =>
  openEmbeddedStorage(join(dir, 'embedded.db')),
);

it('creates the database file readable by its owner only, and reopens it with its data', async () => {
  const file = join(dir, 'sub', 'perm.db');
  const a = new SqliteStorage(file);
  await a.directory.setMeta('x', '1');
  await a.close();
  assert.equal(statSync(file).mode & 0o777, 0o600);
  const b = new SqliteStorage(file);
  assert.equal(await b.directory.getMeta('x'), '1');
  assert.equal(b.db.pragma('user_version', { simple: true }), migrations.length);
  await b.close();
});

it('writes the log back into the database file from a worker, not from the writing connection', async () => {
  const file = join(dir, 'checkpoints.db');
  const st = new SqliteStorage(file, { backgroundCheckpoints: true });
  // The writer checkpoints only past its bound (4,000 pages).
  assert.equal(st.db.pragma('wal_autocheckpoint', { simple: true }), 4000);
  const before = statSync(file).size;
  // The rows reach the main file only through a checkpoint. The file growing by
  // at least their size is the event to wait for (watched before anything is written).
  const rowBytes = 2000 * 200;
  const grown = new Promise<void>((resolve) => {
    const watcher = watch(file, () => {
      if (statSync(file).size < before + rowBytes) return;
      watcher.close();
      resolve();
    });
  });
  const insert = st.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
  st.db.transaction(() => {
    for (let i = 0; i < 2000; i++) insert.run(`k${i}`, 'v'.repeat(200));
  })();
  // One commit leaves the log far below the writer's bound: the writer has no
  // reason to checkpoint, so whoever copies the rows into the file is the worker.
  const pageSize = st.db.pragma('page_size', { simple: true }) as number;
  assert.ok(statSync(`${file}-wal`).size < 1000 * pageSize, `log of ${statSync(`${file}-wal`).size} bytes`);
  await grown;
  await st.close();
  const again = new SqliteStorage(file);
  assert.equal(await again.directory.getMeta('k1999'), 'v'.repeat(200));
  await again.close();
});

it('commits the writes of one event-loop turn together, and settles each only once committed', async () => {
  const file = join(dir, 'group-commit.db');
  const st = new SqliteStorage(file);
  const other = new Database(file, { readonly: true }); // another connection sees committed data only
  const committed = (key: string) =>
    other.prepare('SELECT value FROM meta WHERE key = ?').get(key) !== undefined;
  const a = st.directory.setMeta('a', '1');
  const b = st.directory.setMeta('b', '2');
  const clash = st.directory.insertPool({
    id: 'p',
    name: 'p',
    rsaPublicKey: 'x',
    rsaPrivateKey: 'y',
    security: { ...DEFAULT_POOL_SECURITY },
    createdAt: 0,
  });
  assert.equal(committed('a'), false, 'not visible to others before the commit');
  assert.equal(await st.directory.getMeta('a'), '1', 'but this connection reads its own write');
  await Promise.all([a, b, clash]);
  assert.ok(committed('a') && committed('b'), 'both committed by the time their promises settle');
  // A failed statement is undone alone: its caller gets the error, the others their commit.
  const dup = st.directory.insertPool({
    id: 'p',
    name: 'again',
    rsaPublicKey: 'x',
    rsaPrivateKey: 'y',
    security: { ...DEFAULT_POOL_SECURITY },
    createdAt: 0,
  });
  const c = st.directory.setMeta('c', '3');
  await assert.rejects(dup, ConflictError);
  await c;
  assert.ok(committed('c'));
  // A turn whose only write failed still ends its transaction: the file is not left locked.
  await assert.rejects(
    st.directory.insertPool({
      id: 'p',
      name: 'once more',
      rsaPublicKey: 'x',
      rsaPrivateKey: 'y',
      security: { ...DEFAULT_POOL_SECURITY },
      createdAt: 0,
    }),
    ConflictError,
  );
  await new Promise((r) => setImmediate(r));
  assert.equal(st.db.inTransaction, false);
  // Closing commits what is still waiting.
  const d = st.directory.setMeta('d', '4');
  await st.close();
  await d;
  assert.ok(committed('d'));
  other.close();
});

it('keeps the log bounded under a steady stream of writes', async () => {
  const file = join(dir, 'bounded.db');
  // The worker never gets a turn here, however long this takes (its first turn would
  // come after the longest delay a timer takes, ~24.8 days): the bound alone must keep the log small.
  const st = new SqliteStorage(file, { backgroundCheckpoints: { everyMs: 2 ** 31 - 1, limitPages: 100 } });
  for (let turn = 0; turn < 500; turn++) {
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => st.directory.setMeta(`k${turn}-${i}`, 'v'.repeat(1000))),
    );
  }
  // 5 MB went through the log; with the bound it started over every ~100 pages (400 KB).
  assert.ok(statSync(`${file}-wal`).size < 1_000_000, `log of ${statSync(`${file}-wal`).size} bytes`);
  assert.equal(await st.directory.getMeta('k499-9'), 'v'.repeat(1000));
  await st.close();
});

it('upgrades usernames that differ only by case: the oldest account keeps the name, later ones become <name>~<id> (issue 13)', async () => {
  const file = join(dir, 'usernames.db');
  const old = new Database(file);
  // A database of the release before: schema version 5, where usernames were unique only as written.
  for (let v = 0; v < 5; v++) {
    old.exec(migrations[v] as string);
    old.pragma(`user_version = ${v + 1}`);
  }
  const pool = old.prepare(
    'INSERT INTO pools (id, name, rsa_public_key, rsa_private_key, created_at) VALUES (?, ?, ?, ?, 0)',
  );
  pool.run('p1', 'one', 'pub', 'priv');
  pool.run('p2', 'two', 'pub', 'priv');
  const user = old.prepare(
    'INSERT INTO users (id, pool_id, username, email, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 0)',
  );
  user.run('u-newest', 'p1', 'ALICE', null, 3);
  user.run('u-oldest', 'p1', 'Alice', null, 1);
  user.run('u-middle', 'p1', 'alice', 'alice@example.com', 2);
  user.run('u-bob', 'p1', 'bob', null, 4);
  user.run('u-other-pool', 'p2', 'alice', null, 5);
  user.run('u-no-name', 'p1', null, 'nameless@example.com', 6);
  old.close();

  const st = new SqliteStorage(file);
  try {
    assert.equal(st.db.pragma('user_version', { simple: true }), migrations.length);
    const names = async (...ids: string[]) =>
      Promise.all(ids.map(async (id) => (await st.directory.getUser(id))?.username));
    assert.deepEqual(await names('u-oldest', 'u-middle', 'u-newest', 'u-bob', 'u-other-pool', 'u-no-name'), [
      'Alice',
      'alice~u-middle',
      'ALICE~u-newest',
      'bob',
      'alice',
      null,
    ]);
    assert.equal((await st.directory.findUserByAccount('p1', 'aLiCe'))?.id, 'u-oldest');
    assert.equal((await st.directory.findUserByAccount('p1', 'ALICE~U-MIDDLE'))?.id, 'u-middle');
    assert.equal((await st.directory.findUserByAccount('p1', 'alice@example.com'))?.id, 'u-middle');
    assert.equal((await st.directory.findUserByAccount('p2', 'ALICE'))?.id, 'u-other-pool');
    const clash = st.directory.insertUser({
      id: 'u-new',
      poolId: 'p1',
      username: 'BOB',
      email: null,
      phone: null,
      passwordHash: null,
      nickname: null,
      photo: null,
      blocked: false,
      customData: {},
      createdAt: 7,
      updatedAt: 7,
    });
    assert.equal(await conflictField(clash), 'username');
  } finally {
    await st.close();
  }
});
