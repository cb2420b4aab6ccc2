import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { startServer } from '../src/cli/serve.js';
import { ConfigError, loadConfig } from '../src/config/load.js';

const dir = mkdtempSync(join(tmpdir(), 'scanlogin-owner-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const config = (dataDir = dir) =>
  loadConfig({ LOG_LEVEL: 'silent', DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1' });

test('the first start on a data directory that does not exist yet creates it and claims the file', async () => {
  const fresh = join(dir, 'not', 'yet');
  const server = await startServer(config(fresh), { quiet: true });
  assert.ok(existsSync(join(fresh, 'scanlogin.db.lock')));
  await server.close();
  assert.equal(existsSync(join(fresh, 'scanlogin.db.lock')), false);
});

test('one server per embedded database file: a second is refused until the first stops', async () => {
  const first = await startServer(config(), { quiet: true });
  const lock = join(dir, 'scanlogin.db.lock');
  assert.ok(existsSync(lock));
  await assert.rejects(startServer(config(), { quiet: true }), (err: unknown) => {
    assert.ok(err instanceof ConfigError);
    assert.match(err.message, new RegExp(`in use by another scanlogin server \\(pid ${process.pid}\\)`));
    return true;
  });
  await first.close();
  assert.equal(existsSync(lock), false, 'released on close');
  const again = await startServer(config(), { quiet: true });
  await again.close();
});

test('a lock left by a process that no longer exists is taken over', async () => {
  // The pid of a process that has exited: nothing runs under it any more.
  const gone = spawnSync(process.execPath, [
    '-e',
    'process.stdout.write(String(process.pid))',
  ]).stdout.toString();
  writeFileSync(join(dir, 'scanlogin.db.lock'), `${gone}\n`);
  const server = await startServer(config(), { quiet: true });
  await server.close();
});
