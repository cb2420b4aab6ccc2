/**
 * Regression: the launcher used to rotate the demo app's secret on first start
 * (its credentials file did not exist yet), so the secret the banner printed,
 * which the README's curl walk uses, no longer worked.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { freePort } from '../../../packages/server/test/helpers.js';

const launch = new URL('../src/launch.ts', import.meta.url).pathname;
const dataDir = mkdtempSync(join(tmpdir(), 'scanlogin-launch-'));
const children: ChildProcess[] = [];
after(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

/** Starts the launcher and resolves with everything it printed once it is ready. */
async function start(
  port: number,
  demoPort: number,
  dir = dataDir,
): Promise<{ out: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', launch], {
    env: {
      ...process.env,
      DATA_DIR: dir,
      PORT: String(port),
      DEMO_PORT: String(demoPort),
      LOG_LEVEL: 'silent',
    },
  });
  children.push(child);
  let out = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d;
      if (out.includes('<- open this')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`launcher exited ${code}: ${out}`)));
  });
  return { out, child };
}

async function stop(child: ChildProcess) {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

/** The app secret is right if the exchange fails on the ticket (2246), not on the credentials (2103). */
async function secretWorks(port: number, appId: string, secret: string): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/api/v2/qrcode/userinfo`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Basic ${Buffer.from(`${appId}:${secret}`).toString('base64')}`,
    },
    body: JSON.stringify({ ticket: 'not-a-ticket' }),
  });
  return ((await res.json()) as { code: number }).code;
}

it('the secret printed on first start keeps working, also after a restart', async () => {
  const [port, demoPort] = [await freePort(), await freePort()];
  const first = await start(port, demoPort);
  const appId = /demo app id\s+(\S+)/.exec(first.out)?.[1];
  const secret = /demo app secret\s+(\S+)/.exec(first.out)?.[1];
  assert.ok(appId && secret, first.out);
  assert.equal(await secretWorks(port, appId, secret), 2246);
  await stop(first.child);

  const second = await start(port, demoPort);
  assert.ok(!second.out.includes('demo app secret'), 'credentials are printed once');
  assert.equal(await secretWorks(port, appId, secret), 2246);
  await stop(second.child);
});

/** What the service answers a page of `origin` asking the demo app for a code. */
async function geneFrom(port: number, appId: string, origin: string): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/api/v2/qrcode/gene`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-authing-app-id': appId, origin },
    body: '{}',
  });
  return ((await res.json()) as { code: number }).code;
}

it('the demo page may load codes on whatever DEMO_PORT it runs, also after a restart on another', async () => {
  const own = mkdtempSync(join(tmpdir(), 'scanlogin-launch-port-'));
  try {
    const [port, demoPort, otherPort] = [await freePort(), await freePort(), await freePort()];
    const first = await start(port, demoPort, own);
    const appId = /demo app id\s+(\S+)/.exec(first.out)?.[1];
    assert.ok(appId, first.out);
    assert.equal(await geneFrom(port, appId, `http://localhost:${demoPort}`), 200);
    assert.equal(await geneFrom(port, appId, `http://127.0.0.1:${demoPort}`), 200);
    assert.notEqual(
      await geneFrom(port, appId, `http://127.0.0.1:${otherPort}`),
      200,
      'other origins stay refused',
    );
    await stop(first.child);

    const second = await start(port, otherPort, own);
    assert.equal(await geneFrom(port, appId, `http://127.0.0.1:${otherPort}`), 200);
    await stop(second.child);
  } finally {
    rmSync(own, { recursive: true, force: true });
  }
});
