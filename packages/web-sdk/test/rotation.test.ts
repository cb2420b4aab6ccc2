// Rotating public ids, from the web SDK's side, against a live service whose
// clock the test moves (ManualClock): `geneCode({rotate})` and `rotateCode`
// on the wire, then the widget's rotation schedule with its timers replaced,
// so every rotation happens exactly when the test says and nothing waits.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ManualClock } from '../../server/src/domain/clock.js';
import { call, createTenant, loginAs, startTestServer, type TestServer } from '../../server/test/helpers.js';
import { ScanloginError } from '../src/errors.js';
import { QrCodeAuthenticationClient } from '../src/qrcode.js';
import { HttpClient } from '../src/transport/http.js';
import type { GeneCodeResult, RotateCodeResult } from '../src/types.js';
import { rotationDelay, startRotation } from '../src/widget/rotation.js';
import { fakeTime, recordingProxy } from './support.js';

const PERIOD = 10; // seconds: the shortest rotation a pool may have

let server: TestServer;
let clock: ManualClock;
let appId: string;
let proxy: Awaited<ReturnType<typeof recordingProxy>>;
let phoneToken: string;

/** A browser: its own client, so its own binding (learned from its first gene answer). */
function browser(host = proxy.url) {
  return new QrCodeAuthenticationClient(
    new HttpClient({ appId, appHost: host, lang: 'en-US' }),
    () => 'en-US',
  );
}

/** The phone acting on the id a QR code carries; the envelope, success or not. */
async function phoneAct(action: 'scanned' | 'confirm', publicId: string) {
  const r = await call(server.url, 'POST', `/api/v2/qrcode/${action}`, {
    body: { random: publicId },
    headers: { authorization: `Bearer ${phoneToken}` },
  });
  return r.body as { code: number; data: { status: number } | null };
}

const publicIdOf = (code: RotateCodeResult): string => JSON.parse(code.payload).random;

before(async () => {
  clock = new ManualClock(Date.now());
  server = await startTestServer({ clock });
  const tenant = await createTenant(server, {}, undefined, { rotateQrEvery: PERIOD });
  appId = tenant.appId;
  phoneToken = await loginAs(server, tenant.appId, tenant.username, tenant.password);
  proxy = await recordingProxy(server.url);
});

after(async () => {
  await proxy.close();
  await server.close();
});

describe('rotation on the wire', () => {
  test('geneCode asks for rotation only when told; a rotating code shows a public id, not its random', async () => {
    const page = browser();
    const plain = await page.geneCode();
    const plainBody = JSON.parse(proxy.seen.findLast((r) => r.url === '/api/v2/qrcode/gene')!.body);
    assert.equal('rotate' in plainBody, false, 'Authing’ body, unchanged');
    assert.equal(plain.rotatesIn, null);
    assert.equal(publicIdOf(plain), plain.random);

    const code = await page.geneCode({ rotate: true });
    const body = JSON.parse(proxy.seen.findLast((r) => r.url === '/api/v2/qrcode/gene')!.body);
    assert.equal(body.rotate, true);
    assert.equal(code.rotatesIn, PERIOD);
    assert.notEqual(publicIdOf(code), code.random);
    assert.equal(typeof JSON.parse(code.payload).sig, 'string', 'signed');
  });

  test('rotateCode: same random, new picture; the old id is refused at once, the new one logs in', async () => {
    const page = browser();
    const code = await page.geneCode({ rotate: true });
    clock.advance((PERIOD - 2) * 1000);
    const next = await page.rotateCode(code.random);
    const req = proxy.seen.findLast((r) => r.url === '/api/v2/qrcode/rotate')!;
    assert.deepEqual(JSON.parse(req.body), { random: code.random });
    assert.ok(req.headers['x-scanlogin-binding'], 'the binding rides along (no cookie jar in Node)');
    assert.equal(next.random, code.random);
    assert.equal(next.rotatesIn, PERIOD);
    assert.notEqual(publicIdOf(next), publicIdOf(code));

    assert.equal((await phoneAct('scanned', publicIdOf(code))).code, 2241, 'the old picture: QR_NOT_FOUND');
    assert.equal((await phoneAct('scanned', publicIdOf(next))).code, 200);
    const after = await page.rotateCode(code.random).catch((e: unknown) => e);
    assert.ok(after instanceof ScanloginError);
    assert.equal(after.code, 2243, 'a scanned code no longer rotates (QR_WRONG_STATE)');
    assert.equal((await phoneAct('confirm', publicIdOf(next))).code, 200);
    const status = await page.checkStatus(code.random);
    assert.equal(status.status, 2);
    assert.ok(status.ticket, 'the page that rotated is still the bound browser');
  });

  test('only the browser that asked may rotate', async () => {
    const code = await browser().geneCode({ rotate: true });
    const other = await browser()
      .rotateCode(code.random)
      .catch((e: unknown) => e);
    assert.ok(other instanceof ScanloginError);
    assert.equal(other.code, 2253, 'BINDING_MISMATCH');
  });
});

describe('the widget’s rotation schedule', () => {
  test('rotationDelay: two seconds early, never below one second, null for no rotation', () => {
    assert.equal(rotationDelay(30), 28_000);
    assert.equal(rotationDelay(10), 8_000);
    assert.equal(rotationDelay(3), 1_000);
    assert.equal(rotationDelay(0), 1_000);
    assert.equal(rotationDelay(null), null);
    assert.equal(rotationDelay(undefined), null);
  });

  /** A rotation of `code` by `page`, on fake time, recording what it does. */
  function schedule(page: QrCodeAuthenticationClient, code: GeneCodeResult) {
    const time = fakeTime();
    const events: string[] = [];
    const pictures: RotateCodeResult[] = [];
    const state = { visible: true, requests: 0, rotateWith: page };
    let last: Promise<unknown> = Promise.resolve();
    const rotation = startRotation(code.rotatesIn, {
      rotate: () => {
        state.requests++;
        const p = state.rotateWith.rotateCode(code.random);
        last = p.catch(() => {});
        return p;
      },
      onRotated: (next) => {
        pictures.push(next);
        events.push('rotated');
      },
      onExpired: () => events.push('expired'),
      onFailed: (e) => events.push(`failed:${e.code}`),
      visible: () => state.visible,
      later: time.later,
      now: time.now,
    });
    /** Lets a rotation that was started finish (its request and what follows it). */
    const settle = async () => {
      await last;
      await new Promise((r) => setImmediate(r));
    };
    return { rotation, time, events, pictures, state, settle };
  }

  test('rotates two seconds before the id runs out, then on the schedule each answer gives', async () => {
    const page = browser();
    const code = await page.geneCode({ rotate: true });
    const r = schedule(page, code);
    assert.equal(r.rotation.dueAt, 8_000);
    r.time.advance(7_999);
    assert.equal(r.state.requests, 0);
    r.time.advance(1);
    assert.equal(r.state.requests, 1);
    await r.settle();
    assert.deepEqual(r.events, ['rotated']);
    const first = publicIdOf(r.pictures[0]!);
    assert.notEqual(first, publicIdOf(code));
    assert.equal(r.pictures[0]!.random, code.random);
    // The service's clock did not move, so its next period is a whole one again.
    assert.equal(r.rotation.dueAt, 16_000);

    clock.advance(8_000);
    r.time.advance(8_000);
    await r.settle();
    assert.equal(r.state.requests, 2);
    assert.notEqual(publicIdOf(r.pictures[1]!), first);
    assert.equal((await phoneAct('scanned', first)).code, 2241, 'each rotation retires the previous id');
    r.rotation.stop();
    assert.equal(r.time.pending, 0, 'stop leaves no timer behind');
  });

  test('a hidden page does not rotate; when it shows again it rotates at once if due', async () => {
    const page = browser();
    const code = await page.geneCode({ rotate: true });
    const r = schedule(page, code);
    r.rotation.wake();
    assert.equal(r.state.requests, 0, 'not due yet: waking changes nothing');
    r.state.visible = false;
    r.time.advance(60_000); // throttled timers, a long lunch: the timer fired, nothing was sent
    r.rotation.wake();
    assert.equal(r.state.requests, 0, 'still hidden');
    // Meanwhile the picture went stale: a phone that scans it now is refused.
    clock.advance(PERIOD * 1000);
    assert.equal((await phoneAct('scanned', publicIdOf(code))).code, 2254, 'QR_CODE_REPLACED');
    r.state.visible = true;
    r.rotation.wake();
    assert.equal(r.state.requests, 1);
    await r.settle();
    assert.deepEqual(r.events, ['rotated']);
    assert.equal((await phoneAct('scanned', publicIdOf(r.pictures[0]!))).code, 200);
  });

  test('a scan stops the rotation quietly (QR_WRONG_STATE), without a callback', async () => {
    const page = browser();
    const code = await page.geneCode({ rotate: true });
    const r = schedule(page, code);
    assert.equal((await phoneAct('scanned', publicIdOf(code))).code, 200);
    r.time.advance(8_000);
    await r.settle();
    assert.equal(r.state.requests, 1);
    assert.deepEqual(r.events, []);
    assert.equal(r.rotation.dueAt, null);
    r.time.advance(600_000);
    assert.equal(r.state.requests, 1, 'nothing more');
  });

  test('the last id lives as long as the code; then an expired code hands over to the status path', async () => {
    const page = browser();
    const code = await page.geneCode({ rotate: true });
    const r = schedule(page, code);
    clock.advance((code.expiresIn - 5) * 1000); // five seconds of life left: less than a period
    await r.rotation.run();
    assert.deepEqual(r.events, ['rotated']);
    assert.equal(r.pictures[0]!.rotatesIn, null);
    assert.equal(r.rotation.dueAt, null, 'no rotation past the code’s end');

    const other = await page.geneCode({ rotate: true });
    const late = schedule(page, other);
    clock.advance((other.expiresIn + 1) * 1000);
    await late.rotation.run();
    assert.deepEqual(late.events, ['expired']);
    assert.equal(late.rotation.dueAt, null);
  });

  test('a network failure is retried within seconds; other failures are reported once', async () => {
    const gone = await recordingProxy(server.url);
    const deadHost = gone.url;
    await gone.close();
    const page = browser();
    const code = await page.geneCode({ rotate: true });
    const r = schedule(page, code);
    r.state.rotateWith = browser(deadHost);
    r.time.advance(8_000);
    await r.settle();
    assert.deepEqual(r.events, [], 'no callback for a transient failure');
    const retryIn = r.rotation.dueAt! - r.time.now();
    assert.ok(retryIn >= 800 && retryIn <= 5_000, `retried after ${retryIn} ms`);
    r.state.rotateWith = page; // the network is back
    r.time.advance(retryIn);
    await r.settle();
    assert.deepEqual(r.events, ['rotated']);

    const stranger = schedule(browser(), await page.geneCode({ rotate: true }));
    await stranger.rotation.run();
    assert.deepEqual(stranger.events, ['failed:2253']);
    assert.equal(stranger.rotation.dueAt, null, 'stopped');
  });
});
