/**
 * A start that cannot go on says why in one line, never a stack trace: the
 * port taken, PostgreSQL or Redis out of reach (named by host and port, the
 * password hidden), the GeoIP file missing. And the first-start banner, whose
 * secrets are shown once ever, is printed only once the service listens: a
 * start that failed has shown nothing, and the next one still shows them.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { freePort } from './helpers.js';
import { testPostgres } from './support/backends.js';
import { LineLog } from './support/signals.js';

const main = new URL('../src/cli/main.ts', import.meta.url).pathname;
const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const freshDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'scanlogin-start-'));
  dirs.push(d);
  return d;
};

interface Ended {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `scanlogin ...args` to its end (the starts here fail, so they end by themselves). */
function runToEnd(args: string[], env: Record<string, string>): Promise<Ended> {
  const child = spawn(process.execPath, ['--import', 'tsx', main, ...args], {
    env: { ...process.env, LOG_LEVEL: 'warn', COMPANION: 'off', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  // 'close': everything it wrote has been read.
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

/** The one line a failed start writes: exactly one, no stack frame, nothing on stdout. */
function oneLine(ended: Ended): string {
  const lines = ended.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line, got:\n${ended.stderr}`);
  assert.doesNotMatch(ended.stderr, /^\s+at /m);
  assert.doesNotMatch(ended.stdout, /first start|secret|admin token/, 'no banner');
  return lines[0]!;
}

/** A listening socket on 127.0.0.1 that is not ours to serve on. */
async function occupiedPort(): Promise<{ port: number; server: Server }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  assert.ok(address && typeof address === 'object');
  return { port: address.port, server };
}

describe('a start that cannot go on', () => {
  it('says the port is in use, shows no banner, and the next start still shows its secrets', async () => {
    const dataDir = freshDir();
    const { port, server } = await occupiedPort();
    try {
      const ended = await runToEnd(['serve'], { DATA_DIR: dataDir, PORT: String(port) });
      assert.equal(ended.code, 1);
      assert.equal(
        oneLine(ended),
        `Cannot listen on 127.0.0.1:${port}: the port is in use by another program (another scanlogin?); stop it or choose another PORT`,
      );
    } finally {
      server.close();
    }

    // The same data directory on a free port (0: the system picks): the banner, secrets included.
    const child = spawn(process.execPath, ['--import', 'tsx', main, 'serve'], {
      env: { ...process.env, LOG_LEVEL: 'warn', COMPANION: 'off', DATA_DIR: dataDir, PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out = new LineLog();
    child.stdout.on('data', out.feed);
    const exited = new Promise((resolve) => child.once('close', resolve));
    try {
      await Promise.race([
        out.untilIncludes('admin token'),
        exited.then(() => assert.fail(`exited before the banner:\n${out.text()}`)),
      ]);
      assert.match(out.text(), /demo app secret +\S+/);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });

  it('says which port is in use when it is the metrics port', async () => {
    const { port, server } = await occupiedPort();
    try {
      const ended = await runToEnd(['serve'], {
        DATA_DIR: freshDir(),
        PORT: '0',
        METRICS_PORT: String(port),
      });
      assert.equal(ended.code, 1);
      assert.equal(
        oneLine(ended),
        `Cannot listen on 127.0.0.1:${port}: the port is in use by another program (another scanlogin?); stop it or choose another METRICS_PORT`,
      );
    } finally {
      server.close();
    }
  });

  it('names PostgreSQL by host and port with the cause, never the password', async () => {
    const [pgPort, redisPort] = [await freePort(), await freePort()];
    for (const args of [['serve'], ['pool', 'list']]) {
      const ended = await runToEnd(args, {
        DATA_DIR: freshDir(),
        DATABASE_URL: `postgres://scanlogin:secret-pg-pass@127.0.0.1:${pgPort}/scanlogin`,
        REDIS_URL: `redis://:secret-redis-pass@127.0.0.1:${redisPort}/0`,
      });
      assert.equal(ended.code, 1, args.join(' '));
      const line = oneLine(ended);
      assert.match(
        line,
        new RegExp(
          `^PostgreSQL at 127\\.0\\.0\\.1:${pgPort} \\(DATABASE_URL\\) cannot be used: .*ECONNREFUSED`,
        ),
      );
      assert.doesNotMatch(ended.stderr + ended.stdout, /secret/);
    }
  });

  it('names Redis by host and port with the cause, never the password', async () => {
    const pg = await testPostgres();
    const redisPort = await freePort();
    const ended = await runToEnd(['serve'], {
      DATA_DIR: freshDir(),
      DATABASE_URL: await pg.createDatabase(),
      REDIS_URL: `redis://:secret-redis-pass@127.0.0.1:${redisPort}/0`,
    });
    assert.equal(ended.code, 1);
    const line = oneLine(ended);
    // The cause is Redis's last connection error, or the wait that ran out without one.
    assert.match(
      line,
      new RegExp(
        `^Redis at 127\\.0\\.0\\.1:${redisPort} \\(REDIS_URL\\) cannot be used: .*(ECONNREFUSED|no connection within)`,
      ),
    );
    assert.doesNotMatch(ended.stderr + ended.stdout, /secret/);
  });

  it('names a GeoIP file that is not there', async () => {
    const dataDir = freshDir();
    const missing = join(dataDir, 'countries.mmdb');
    const ended = await runToEnd(['serve'], { DATA_DIR: dataDir, PORT: '0', GEOIP_DATABASE: missing });
    assert.equal(ended.code, 2);
    assert.equal(
      oneLine(ended),
      `Invalid configuration: GEOIP_DATABASE=${JSON.stringify(missing)}: cannot open ${missing}: no such file. Set the path of a .mmdb file, \`bundled\` or \`off\`.`,
    );
  });
});
