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
