/**
 * Log lines (issue 15): JSON, one object per line, when the output is not a
 * terminal (a service manager, a container, a pipe); readable lines when it
 * is one (`LOG_FORMAT=auto`, the default), or whenever LOG_FORMAT=pretty.
 * The terminal is a real one: `script` (util-linux, on every Debian) runs the
 * service on a pseudo-terminal.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { LineLog } from './support/signals.js';

/** An ANSI colour escape (ESC, `[`, parameters, `m`). */
const COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

const main = new URL('../src/cli/main.ts', import.meta.url).pathname;
const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function env(extra: Record<string, string>): NodeJS.ProcessEnv {
  const dir = mkdtempSync(join(tmpdir(), 'scanlogin-logs-'));
  dirs.push(dir);
  // No first-start banner (SEED_DEMO=false; the admin token is set): only log lines on stdout.
  const { LOG_FORMAT: _inherited, ...rest } = process.env;
  return {
    ...rest,
    DATA_DIR: dir,
    PORT: '0',
    COMPANION: 'off',
    SEED_DEMO: 'false',
    ADMIN_TOKEN: 'a-test-admin-token-of-some-length',
    LOG_LEVEL: 'info',
    ...extra,
  };
}

/** Runs `child` until it writes the line saying it listens; then stops it (SIGTERM) and returns that line. */
async function listeningLine(child: ChildProcess): Promise<string> {
  const out = new LineLog();
  child.stdout?.on('data', out.feed);
  const closed = new Promise((resolve) => child.once('close', resolve));
  try {
    return await Promise.race([
      out.untilIncludes('scanlogin listening'),
      closed.then(() => assert.fail(`exited before listening:\n${out.text()}`)),
    ]);
  } finally {
    child.kill('SIGTERM');
    await closed;
  }
}

const serve = (extra: Record<string, string>) =>
  spawn(process.execPath, ['--import', 'tsx', main, 'serve'], {
    env: env(extra),
    stdio: ['ignore', 'pipe', 'inherit'],
  });

describe('log lines', () => {
  it('are JSON when the output is not a terminal', async () => {
    const line = await listeningLine(serve({}));
    const entry = JSON.parse(line);
    assert.equal(entry.msg, 'scanlogin listening');
    assert.equal(entry.level, 30);
    assert.match(entry.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('are readable lines on a terminal', async () => {
    // `script -qec CMD /dev/null`: CMD on a pseudo-terminal, its output relayed to our pipe.
    const command = [process.execPath, '--import', 'tsx', main, 'serve'].map((a) => `'${a}'`).join(' ');
    const child = spawn('script', ['-qec', `exec ${command}`, '/dev/null'], {
      env: env({}),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const line = await listeningLine(child);
    // Colour codes aside: a time, the level in words, the message, then the fields.
    const plain = line.replace(COLOUR, '').trim();
    assert.match(
      plain,
      /^\[\d{2}:\d{2}:\d{2}\.\d{3}\] INFO: scanlogin listening \{"url":"http:\/\/127\.0\.0\.1:\d+"/,
    );
    assert.throws(() => JSON.parse(plain));
  });

  it('are readable lines with LOG_FORMAT=pretty, and JSON with LOG_FORMAT=json, wherever they go', async () => {
    const pretty = await listeningLine(serve({ LOG_FORMAT: 'pretty' }));
    assert.match(pretty, /^\[\d{2}:\d{2}:\d{2}\.\d{3}\] INFO: scanlogin listening \{/);
    // Not a terminal, so no colours.
    assert.doesNotMatch(pretty, COLOUR);
    const json = await listeningLine(serve({ LOG_FORMAT: 'json' }));
    assert.equal(JSON.parse(json).msg, 'scanlogin listening');
  });
});
