import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';

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

interface Failure {
  code: number;
  stdout: string;
  stderr: string;
}
/** Runs a command that must fail; its exit code and output. */
async function runFails(
  file: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<Failure> {
  return run(file, args, { env }).then(
    (r) => assert.fail(`succeeded: ${args.join(' ')}\n${r.stdout}`),
    (err: Failure) => err,
  );
}
const cliFails = (...args: string[]) =>
  runFails(process.execPath, ['--import', 'tsx', main, ...args, '--data-dir', dataDir], {
    ...process.env,
    LOG_LEVEL: 'silent',
  });

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

  it("changes the security settings of a pool, with the management API's rules", async () => {
    const pool = await json('pool', 'create', '--name', 'Staff', '--check-code');
    assert.equal(pool.checkCode, true);
    const updated = await json(
      'pool',
      'update',
      pool.id,
      '--proximity',
      'step-up',
      '--check-code',
      'false',
      '--binding',
      'false',
      '--rotate-every',
      '0',
    );
    assert.deepEqual(
      {
        name: updated.name,
        proximityPolicy: updated.proximityPolicy,
        checkCode: updated.checkCode,
        requireBinding: updated.requireBinding,
        rotateQrEvery: updated.rotateQrEvery,
      },
      {
        name: 'Staff',
        proximityPolicy: 'step-up',
        checkCode: false,
        requireBinding: false,
        rotateQrEvery: 0,
      },
    );
    // The others stay.
    const renamed = await json('pool', 'update', pool.id, '--name', 'Staff B', '--rotate-every', '45');
    assert.equal(renamed.proximityPolicy, 'step-up');
    assert.equal(renamed.rotateQrEvery, 45);
    assert.equal(renamed.name, 'Staff B');
    for (const [args, message] of [
      [['--proximity', 'nearby'], /--proximity must be one of allow, warn, step-up, deny/],
      [['--rotate-every', '5'], /--rotate-every must be 0 \(no rotation\) or 10 to 3600 seconds/],
      [['--rotate-every', 'soon'], /--rotate-every takes a whole number/],
      [['--binding', 'perhaps'], /unexpected "perhaps"/],
    ] as const) {
      const failed = await cliFails('pool', 'update', pool.id, ...args);
      assert.equal(failed.code, 2, args.join(' '));
      assert.match(failed.stderr, message);
    }
    const missing = await cliFails('pool', 'update', 'no-such-pool', '--check-code');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /error 3001/);
  });

  it('lists, deletes and audits what the management API does', async () => {
    const pool = await json('pool', 'create', '--name', 'Lists');
    const app = await json('app', 'create', '--pool', pool.id, '--name', 'Gone soon');
    assert.ok((await json('app', 'list', '--pool', pool.id)).some((a: { id: string }) => a.id === app.id));
    assert.deepEqual(await json('app', 'delete', app.id), { deleted: app.id });
    assert.deepEqual(await json('app', 'list', '--pool', pool.id), []);

    const dave = await json('user', 'create', '--pool', pool.id, '--username', 'dave');
    const erin = await json('user', 'create', '--pool', pool.id, '--email', 'erin@example.com');
    assert.equal((await json('user', 'get', dave.id)).username, 'dave');
    assert.equal((await json('user', 'list', '--pool', pool.id, '--limit', '1')).length, 1);
    assert.equal((await json('user', 'list', '--pool', pool.id, '--offset', '1')).length, 1);
    assert.deepEqual(await json('user', 'sessions', dave.id), []);
    assert.deepEqual(await json('user', 'sign-out', dave.id), { revoked: 0 });
    assert.deepEqual(await json('user', 'delete', erin.id), { deleted: erin.id });
    assert.match((await cliFails('user', 'get', erin.id)).stderr, /error 3001/);
    assert.deepEqual(await json('audit', '--pool', pool.id, '--limit', '10'), []);
    const badTime = await cliFails('audit', '--pool', pool.id, '--before', 'yesterday');
    assert.equal(badTime.code, 2);
    assert.match(badTime.stderr, /--before must match format "date-time"/);
  });

  it('prints the version and help without reading settings, opening storage or a port', async () => {
    const untouched = join(dataDir, 'never-created');
    // Settings that would fail at once if anything read them or opened what they name.
    const env = {
      ...process.env,
      DATA_DIR: untouched,
      PORT: 'not a port',
      DATABASE_URL: 'postgres://u:secret@127.0.0.1:1/x',
    };
    const version = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;
    for (const args of [['--version'], ['version'], ['-V'], ['serve', '--version']]) {
      const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', main, ...args], { env });
      assert.equal(stdout, `${version}\n`, args.join(' '));
      assert.equal(stderr, '');
    }
    for (const args of [['help'], ['--help'], ['-h'], ['pool', 'update', '--help']]) {
      const { stdout } = await run(process.execPath, ['--import', 'tsx', main, ...args], { env });
      assert.match(stdout, /^scanlogin: self-hosted QR login/, args.join(' '));
      assert.match(stdout, /pool update POOL_ID .*--check-code true\|false/);
      assert.match(stdout, /audit --pool ID/);
    }
    assert.equal(existsSync(untouched), false, 'no data directory was made');
  });

  it('refuses unknown options and commands before opening anything', async () => {
    const untouched = join(dataDir, 'refused');
    for (const args of [
      ['--bogus'],
      ['serve', '--prot', '4000'],
      ['pool', 'list', '--name', 'x'],
      ['app', 'create', '--pool', 'p', '--name', 'n', '--secret', 's'],
      ['user', 'list', '--pool=p', '--verbose'],
      ['pool', 'frobnicate'],
      ['-x'],
    ]) {
      const failed = await runFails(process.execPath, [
        '--import',
        'tsx',
        main,
        ...args,
        '--data-dir',
        untouched,
      ]);
      assert.equal(failed.code, 2, args.join(' '));
      const [first, ...rest] = failed.stderr.trimEnd().split('\n');
      assert.match(first!, /^(unknown option -|unknown command: )/, args.join(' '));
      assert.deepEqual(rest, ['(scanlogin help lists the commands and their options)']);
      assert.equal(failed.stdout, '');
    }
    assert.equal(existsSync(untouched), false, 'no data directory was made');
  });

  it('reports domain errors by their code', async () => {
    await assert.rejects(cli('user', 'block', 'no-such-user'), (err: { code: number; stderr: string }) => {
      assert.equal(err.code, 1);
      assert.match(err.stderr, /error 3001/);
      return true;
    });
  });
});
