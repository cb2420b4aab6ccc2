import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { storageConformance } from '../src/storage/conformance.js';
import { openEmbeddedStorage } from '../src/storage/embedded.js';
import { SqliteStorage } from '../src/storage/sqlite/index.js';
import { migrations } from '../src/storage/sqlite/migrations.js';

const dir = mkdtempSync(join(tmpdir(), 'scanlogin-sqlite-'));
after(() => rmSync(dir, { recursive: true, force: true }));

storageConformance('SQLite file', () => new SqliteStorage(join(dir, 'conformance.db')));
storageConformance('SQLite in memory', () => new SqliteStorage(':memory:'));
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
  assert.equal(st.db.pragma('wal_autocheckpoint', { simple: true }), 0, 'the writer never checkpoints');
  const before = statSync(file).size;
  const insert = st.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
  for (let i = 0; i < 2000; i++) insert.run(`k${i}`, 'v'.repeat(200));
  // The rows reach the main file only through a checkpoint, which only the worker runs.
  const deadline = Date.now() + 10_000;
  while (statSync(file).size <= before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  assert.ok(statSync(file).size > before, 'the worker copied the log into the file');
  await st.close();
  const again = new SqliteStorage(file);
  assert.equal(await again.directory.getMeta('k1999'), 'v'.repeat(200));
  await again.close();
});
