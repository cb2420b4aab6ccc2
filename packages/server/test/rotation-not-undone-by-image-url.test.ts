/**
 * Issue 13, finding 5: rotation was undone by the image URL. The URL `gene`
 * returned was keyed by the page's private id, was public, and always drew
 * the current public id, so a phishing page embedding that <img> never went
 * stale; and `rotate` counted its rate limit before checking the binding, so
 * a stranger could spend the page's rotation budget. Now no public URL names
 * the private id, a relayed picture stops working after rotation, and only
 * the binding's holder spends the budget. On every storage combination.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import jsqr from 'jsqr';
import { PNG } from 'pngjs';
import { ManualClock } from '../src/domain/clock.js';
import { ROTATIONS_PER_MINUTE } from '../src/http/routes/qrcode-rotate.js';
import {
  assertError,
  assertOk,
  CookieJar,
  call,
  createTenant,
  type Json,
  type Tenant,
  type TestServer,
} from './helpers.js';
import { backends } from './support/backends.js';

const PERIOD = 20;
const publicIdOf = (payload: string): string => JSON.parse(payload).random;

/** The text inside a PNG QR code, or null if it is not one. */
async function pictured(res: Response): Promise<string | null> {
  const png = PNG.sync.read(Buffer.from(await res.arrayBuffer()));
  // jsqr is CommonJS: under NodeNext its default export is the `default` property of the module.
  return jsqr.default(new Uint8ClampedArray(png.data), png.width, png.height)?.data ?? null;
}

for (const backend of backends())
  describe(`rotation is not undone by the image URL (${backend.name})`, () => {
    const clock = new ManualClock();
    let s: TestServer;
    let t: Tenant;
    before(async () => {
      s = await backend.start({ clock });
      t = await createTenant(s, {}, undefined, { rotateQrEvery: PERIOD });
    });
    after(() => s?.close());

    const gene = async (page: CookieJar, body: Json = { rotate: true }) =>
      assertOk(
        await call(s.url, 'POST', '/api/v2/qrcode/gene', {
          body,
          headers: { 'x-authing-app-id': t.appId },
          jar: page,
        }),
      );
    const rotate = (random: string, jar: CookieJar | false, headers: Record<string, string> = {}) =>
      call(s.url, 'POST', '/api/v2/qrcode/rotate', { body: { random }, jar, headers });
    /** An image URL fetched the way a phishing page's <img> would: no cookies, another origin. */
    const picture = (url: string) => fetch(url, { headers: { origin: 'https://phish.test' } });

    it('the gene and rotate answers name the public id in `url`, never the page’s key', async () => {
      const page = new CookieJar();
      const code = await gene(page);
      const first = publicIdOf(code.payload);
      assert.notEqual(first, code.random);
      assert.equal(code.url, `${s.url}/api/v2/qrcode/image/${first}.png`);
      assert.ok(!code.url.includes(code.random));

      const next = assertOk(await rotate(code.random, page));
      const second = publicIdOf(next.payload);
      assert.equal(next.url, `${s.url}/api/v2/qrcode/image/${second}.png`);
      assert.ok(!next.url.includes(code.random));
      // The page's key opens no picture at all.
      for (const ext of ['png', 'svg']) {
        assertError(await call(s.url, 'GET', `/api/v2/qrcode/image/${code.random}.${ext}`), 'QR_NOT_FOUND');
      }
    });

    it('after a rotation the old image URL answers an error, not a picture; the new one works', async () => {
      const page = new CookieJar();
      const code = await gene(page);
      const before = await picture(code.url);
      assert.equal(before.headers.get('content-type'), 'image/png');
      assert.equal(publicIdOf((await pictured(before))!), publicIdOf(code.payload));

      clock.advance((PERIOD - 2) * 1000);
      const next = assertOk(await rotate(code.random, page));
      for (const url of [code.url, code.url.replace(/\.png$/, '.svg')]) {
        const stale = await picture(url);
        assert.match(stale.headers.get('content-type') ?? '', /^application\/json/, url);
        assertError(
          { status: stale.status, headers: stale.headers, body: await stale.json() },
          'QR_NOT_FOUND',
        );
      }
      const fresh = await picture(next.url);
      assert.equal(fresh.status, 200);
      assert.equal(fresh.headers.get('access-control-allow-origin'), '*');
      assert.equal(publicIdOf((await pictured(fresh))!), publicIdOf(next.payload));
    });

    it('a picture whose page stopped rotating stops working when its period ends', async () => {
      const page = new CookieJar();
      const code = await gene(page);
      assert.equal((await picture(code.url)).status, 200);
      clock.advance(PERIOD * 1000);
      const stale = await picture(code.url);
      assertError(
        { status: stale.status, headers: stale.headers, body: await stale.json() },
        'QR_CODE_REPLACED',
      );
    });

    it('a stranger’s parallel burst of rotations is refused and spends none of the page’s budget', async () => {
      const page = new CookieJar();
      const code = await gene(page);
      const stranger = new CookieJar();
      await gene(stranger); // a binding of the stranger's own, for a code of their own
      const strangers = Array.from({ length: 3 * ROTATIONS_PER_MINUTE }, (_, i) =>
        rotate(
          code.random,
          i % 3 === 0 ? false : stranger,
          i % 3 === 2 ? { 'x-scanlogin-binding': 'A'.repeat(43) } : {},
        ),
      );
      // The page rotates its whole budget at the same time, in parallel too.
      const own = Array.from({ length: ROTATIONS_PER_MINUTE }, () => rotate(code.random, page));
      const [theirs, ours] = await Promise.all([Promise.all(strangers), Promise.all(own)]);
      for (const a of theirs) assertError(a, 'BINDING_MISMATCH');
      for (const a of ours) assertOk(a);
      // The budget still binds its holder: one more in this minute is too many.
      assertError(await rotate(code.random, page), 'RATE_LIMITED');
      clock.advance(60_000);
      assertOk(await rotate(code.random, page));
    });

    it('a code of the stock SDK (not rotating) keeps one image, readable cross-origin', async () => {
      const page = new CookieJar();
      const code = await gene(page, { scene: 'APP_AUTH' });
      assert.equal(code.rotatesIn, null);
      assert.equal(publicIdOf(code.payload), code.random, 'its public id is its key');
      assert.equal(code.url, `${s.url}/api/v2/qrcode/image/${code.random}.png`);
      const res = await picture(code.url);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('access-control-allow-origin'), '*');
      assert.equal(publicIdOf((await pictured(res))!), code.random);
    });
  });
