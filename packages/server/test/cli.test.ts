import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { loadConfig } from '../src/config/load.js';
import { createRuntime } from '../src/runtime.js';

const run = promisify(execFile);
const main = new URL('../src/cli/main.ts', import.meta.url).pathname;
const dataDir = mkdtempSync(join(tmpdir(), 'scanlogin-cli-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));

async function cli(...args: string[]) {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', main, ...args, '--data-dir', dataDir], {
    env: { ...process.env, LOG_LEVEL: 'silent' },
  });
  return stdout;
}
const json = async (...args: string[]) => JSON.parse(await cli(...args));

describe('the scanlogin CLI', () => {
  it('initialises once, then manages pools, apps, users and keys', async () => {
    const init = await cli('init');
    assert.match(init, /demo app secret/);
    assert.match(init, /admin token {5}sla_/);
    assert.match(await cli('init'), /Already initialised/);

    const pool = await json('pool', 'create', '--name', 'Shop');
    assert.equal(pool.name, 'Shop');
    assert.ok((await json('pool', 'list')).some((p: { id: string }) => p.id === pool.id));

    const app = await json(
      'app',
      'create',
      '--pool',
      pool.id,
      '--name',
      'Shop site',
      '--origins',
      'https://shop.example',
      '--browser-exchange',
    );
    assert.equal(app.allowExchangeUserInfoFromBrowser, true);
    assert.deepEqual(app.allowedOrigins, ['https://shop.example']);
    assert.equal(typeof app.secret, 'string');
    const updated = await json(
      'app',
      'update',
      app.id,
      '--browser-exchange',
      'false',
      '--qrcode-expires',
      '60',
    );
    assert.equal(updated.allowExchangeUserInfoFromBrowser, false);
    assert.equal(updated.qrcodeExpiresAfter, 60);
    const rotated = await json('app', 'rotate-secret', app.id);
    assert.notEqual(rotated.secret, app.secret);

    const user = await json(
      'user',
      'create',
      '--pool',
      pool.id,
      '--username',
      'carol',
      '--password',
      'carol-long-pass',
    );
    assert.equal(user.username, 'carol');
    assert.equal(user.passwordHash, undefined, 'never printed');
    assert.equal((await json('user', 'block', user.id)).blocked, true);
    assert.equal((await json('user', 'unblock', user.id)).blocked, false);
    assert.equal((await json('user', 'list', '--pool', pool.id)).length, 1);

    assert.equal(typeof (await json('keys', 'rotate')).kid, 'string');
    assert.match(await cli('admin', 'reset-token'), /New admin token \(shown once\): sla_/);
  });

  it('signs a user out everywhere: the token of their device is refused from then on', async () => {
    // A device signs in, through the services on the same data (the CLI is not running meanwhile).
    const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
    const open = () => createRuntime(config);
    let s = await open();
    const pool = await s.directory.createPool('Signed in');
    const dana = await s.directory.createUser({
      poolId: pool.id,
      username: 'dana',
      password: 'dana-long-pass',
    });
    const signedIn = await s.appSessions.passwordLogin({
      pool,
      appId: null,
      account: 'dana',
      password: 'dana-long-pass',
      ip: '127.0.0.1',
      requestContext: null,
    });
    const claims = await s.sessionTokens.verify(signedIn.token);
    await s.close();

    assert.deepEqual(await json('user', 'revoke-sessions', dana.id), {
      revoked: 1,
      appSessions: 1,
      webSessions: 0,
    });
    assert.deepEqual(await json('user', 'revoke-sessions', dana.id), {
      revoked: 0,
      appSessions: 0,
      webSessions: 0,
    });
    s = await open();
    try {
      await assert.rejects(s.sessionTokens.verify(signedIn.token), /signed out/);
      assert.equal(await s.appSessions.isLive(claims.sid!), false);
    } finally {
      await s.close();
    }
    await assert.rejects(cli('user', 'revoke-sessions'), (err: { code: number; stderr: string }) => {
      assert.equal(err.code, 2);
      assert.match(err.stderr, /needs a user id/);
      return true;
    });
    await assert.rejects(cli('user', 'revoke-sessions', 'no-such-user'), /error 3001/);
  });

  it('explains usage errors and bad configuration with exit code 2', async () => {
    await assert.rejects(cli('app', 'create', '--name', 'x'), (err: { code: number; stderr: string }) => {
      assert.equal(err.code, 2);
      assert.match(err.stderr, /--pool is required/);
      return true;
    });
    await assert.rejects(
      run(
        process.execPath,
        ['--import', 'tsx', main, 'pool', 'list', '--port', 'many', '--storage-timeout', 'soon'],
        { env: process.env },
      ),
      (err: { code: number; stderr: string }) => {
        assert.equal(err.code, 2);
        assert.match(err.stderr, /PORT="many": expected an integer/);
        assert.match(err.stderr, /STORAGE_TIMEOUT="soon": does not match/);
        return true;
      },
    );
  });

  it('reports domain errors by their code', async () => {
    await assert.rejects(cli('user', 'block', 'no-such-user'), (err: { code: number; stderr: string }) => {
      assert.equal(err.code, 1);
      assert.match(err.stderr, /error 3001/);
      return true;
    });
  });
});
