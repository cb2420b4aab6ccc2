/**
 * Regression (issue 13, finding 9): an existing DATA_DIR kept a loose mode
 * such as 0777, so other users of the machine could read the database and
 * its keys. The start now tightens it to 0700 (saying so), creates new ones
 * 0700, and refuses with what to do when the mode cannot be changed.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { secureDataDirectory } from '../src/cli/data-dir.js';
import { startServer } from '../src/cli/serve.js';
import { ConfigError, loadConfig } from '../src/config/load.js';

const root = mkdtempSync(join(tmpdir(), 'scanlogin-datadir-'));
chmodSync(root, 0o755); // others may pass through it, as through /var/lib
after(() => rmSync(root, { recursive: true, force: true }));
const modeOf = (dir: string) => statSync(dir).mode & 0o777;

test('a new data directory is created for its owner only', () => {
  const dir = join(root, 'new', 'data');
  secureDataDirectory(dir, 'DATA_DIR', () => assert.fail('nothing to warn about'));
  assert.equal(modeOf(dir), 0o700);
});

test('an existing loose data directory is tightened to 0700, and the start says so', () => {
  for (const loose of [0o777, 0o755, 0o750, 0o705]) {
    const dir = join(root, `loose-${loose.toString(8)}`);
    mkdirSync(dir);
    chmodSync(dir, loose);
    const said: string[] = [];
    secureDataDirectory(dir, 'DATA_DIR', (line) => said.push(line));
    assert.equal(modeOf(dir), 0o700);
    assert.equal(said.length, 1);
    assert.match(said[0]!, new RegExp(`DATA_DIR ${dir} had mode 0${loose.toString(8)}; changed to 0700`));
  }
});

test('the service tightens DATA_DIR before it opens its database there', async () => {
  const dir = join(root, 'served');
  mkdirSync(dir);
  chmodSync(dir, 0o777);
  const config = loadConfig({ LOG_LEVEL: 'silent', DATA_DIR: dir, PORT: '0', HOST: '127.0.0.1' });
  const server = await startServer(config, { quiet: true });
  try {
    assert.equal(modeOf(dir), 0o700);
    assert.equal(modeOf(join(dir, 'scanlogin.db')) & 0o077, 0, 'the database file too');
  } finally {
    await server.close();
  }
});

test('a data directory that is a file is refused with a clear message', () => {
  const file = join(root, 'a-file');
  writeFileSync(file, '');
  assert.throws(
    () => secureDataDirectory(file, 'DATA_DIR'),
    (err: unknown) => err instanceof ConfigError && /is not a directory/.test(err.message),
  );
});

test('a loose directory its user cannot change is refused, naming the fix', {
  skip: process.getuid?.() !== 0 && 'needs root, to run a second user',
}, () => {
  // Owned by root with mode 0777: the user `nobody` can write into it but not change its mode.
  const dir = join(root, 'not-mine');
  mkdirSync(dir);
  chmodSync(dir, 0o777);
  const script = fileURLToPath(new URL('./support/secure-dir-as-child.ts', import.meta.url));
  const r = spawnSync('runuser', ['-u', 'nobody', '--', process.execPath, '--import', 'tsx', script, dir], {
    encoding: 'utf8',
    cwd: fileURLToPath(new URL('../../..', import.meta.url)),
  });
  assert.equal(r.status, 2, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stderr, /has mode 0777: other users could read the database and keys/);
  assert.match(r.stderr, new RegExp(`chmod 700 ${dir}`));
  assert.equal(modeOf(dir), 0o777, 'left as it was');
});
