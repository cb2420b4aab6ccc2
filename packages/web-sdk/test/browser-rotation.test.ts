// Rotating public ids in real Chromium: the IIFE bundle against a live service
// whose clock the test moves (ManualClock), with the page's timers and Date
// faked and paused (Playwright's clock), so that each rotation happens when the
// test says and no real second reaches the page's schedule. The phone acts over
// HTTP with the id read back from a screenshot, as a camera would.
// Skipped when Chromium is not installed.
//
// Regression (issue 12): the page's fake clock was installed without being
// paused, so it also followed real time; on a busy machine the seconds spent on
// screenshots and launches made the first rotation come before it was due.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import * as esbuild from 'esbuild';
import jsQRmod from 'jsqr';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import {
  advance,
  CHROMIUM,
  launchChromium,
  newContext,
  pauseClock,
  recordFetches,
} from '../../../e2e/support.js';
import { ManualClock } from '../../server/src/domain/clock.js';
import {
  call,
  createTenant,
  freePort,
  loginAs,
  startTestServer,
  type TestServer,
} from '../../server/test/helpers.js';
import { iifeOptions } from '../build.mjs';

const jsQR = jsQRmod.default;
const PERIOD = 10; // seconds: the shortest rotation a pool may have
const FIRST_ROTATION_MS = (PERIOD - 2) * 1000; // the widget rotates two seconds early

interface Handle {
  random: string | null;
  publicId: string | null;
}
interface PageState {
  log: unknown[][];
  handle: Handle;
  /** Times the code was missing from the widget, or its state was not "code", after a DOM change. */
  gaps: number;
  /** The public id before the rotation the test waits for. */
  before: string | null;
}

describe('rotating codes in Chromium', { skip: !CHROMIUM && 'no Chromium' }, () => {
  const clock = new ManualClock(Date.now());
  let server: TestServer;
  let site: Server;
  let origin: string;
  let browser: Browser;
  let appId: string;
  let phoneToken: string;

  before(async () => {
    const built = await esbuild.build(iifeOptions(false));
    const bundle = built.outputFiles.find((f) => f.path.endsWith('.js'))!.text;
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    site = createServer((req, res) => {
      if (req.url === '/scanlogin.iife.js') {
        res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
      } else {
        res
          .writeHead(200, { 'content-type': 'text/html' })
          .end(
            '<!doctype html><html lang="en"><body><div id="qrcode"></div><script src="/scanlogin.iife.js"></script></body></html>',
          );
      }
    });
    await new Promise<void>((resolve) => site.listen(port, '127.0.0.1', resolve));
    server = await startTestServer({ clock, env: { DEMO_ORIGINS: origin } });
    const tenant = await createTenant(server, { allowedOrigins: [origin] }, undefined, {
      rotateQrEvery: PERIOD,
    });
    appId = tenant.appId;
    phoneToken = await loginAs(server, tenant.appId, tenant.username, tenant.password);
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await new Promise((resolve) => site?.close(resolve));
  });

  /** The test page with its clock faked and paused, and a count of the rotate calls it makes. */
  async function openPage(deviceScaleFactor: number) {
    const context = await newContext(browser, { viewport: { width: 800, height: 600 }, deviceScaleFactor });
    await pauseClock(context, clock);
    const page = await context.newPage();
    page.on('pageerror', (e) => console.error('page error:', e.message));
    const fetches = await recordFetches(context);
    await page.goto(origin);
    const sent = async (name: 'rotate' | 'gene') =>
      (await fetches(page)).filter((r) => r.url.endsWith(`/api/v2/qrcode/${name}`)).map((r) => r.body);
    return { page, sent };
  }

  /** Starts the widget with every callback logged; waits for its first status (or, polling, its first code). */
  async function startWidget(page: Page, options = '', firstStatus = true) {
    await page.evaluate(`(async () => {
      const log = (window.log = []);
      const client = new ScanLogin.AuthenticationClient({ appId: ${JSON.stringify(appId)}, appHost: ${JSON.stringify(server.url)}, lang: 'en-US' });
      window.handle = await client.qrcode.startScanning('qrcode', {
        ${options}
        onCodeShow: (r) => log.push(['show', r]),
        onCodeRotate: (r, id) => log.push(['rotate', r, id]),
        onCodeDestroyed: (r) => log.push(['destroyed', r]),
        onResult: (d) => log.push(['result', d.status]),
        onExpired: () => log.push(['expired']),
        onError: (m) => log.push(['error', m]),
        onSuccess: (_u, ticket) => log.push(['success', ticket]),
      });
    })()`);
    if (firstStatus) await until(page, (w) => w.log.some((e) => e[0] === 'result'));
    else await until(page, (w) => w.log.some((e) => e[0] === 'show'));
    // From now on, note any moment the widget is without its code (what a flicker would be).
    await page.evaluate(() => {
      const w = window as unknown as PageState;
      const root = document.querySelector<HTMLElement>('.scanlogin')!;
      w.gaps = 0;
      new MutationObserver(() => {
        if (!root.querySelector('svg[role="img"]') || root.dataset['state'] !== 'code') w.gaps++;
      }).observe(root, { subtree: true, childList: true, attributes: true });
    });
  }

  /** Waits, with no deadline, until `predicate` holds in the page. */
  async function until(page: Page, predicate: (w: PageState) => boolean): Promise<void> {
    await page.waitForFunction(`(${predicate.toString()})(window)`);
  }
  /** Moves the service and the page on by `ms`, firing what falls due in the page. */
  const later = (page: Page, ms: number) => advance(clock, ms, page.context() as BrowserContext);

  const handle = (page: Page): Promise<Handle> =>
    page.evaluate(() => {
      const h = (window as unknown as PageState).handle;
      return { random: h.random, publicId: h.publicId };
    });
  /** Notes the public id shown now, so that `rotated` can tell when it changed. */
  const noteId = (page: Page) =>
    page.evaluate(() => {
      const w = window as unknown as PageState;
      w.before = w.handle.publicId;
    });
  const rotated = (page: Page) => until(page, (w) => w.handle.publicId !== w.before);
  const log = (page: Page) => page.evaluate(() => (window as unknown as PageState).log);
  const state = (page: Page) => page.locator('.scanlogin').getAttribute('data-state');

  /** The id in the QR code on screen, read from a screenshot of the widget's <svg>. */
  async function shownId(page: Page): Promise<string> {
    const png = PNG.sync.read(await page.locator('#qrcode svg[role="img"]').screenshot());
    const found = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
    assert.ok(found, 'the code on screen decodes');
    return JSON.parse(found.data).random;
  }

  async function phone(action: 'scanned' | 'confirm', publicId: string): Promise<number> {
    const r = await call(server.url, 'POST', `/api/v2/qrcode/${action}`, {
      body: { random: publicId },
      headers: { authorization: `Bearer ${phoneToken}` },
    });
    return r.body.code;
  }

  /** Makes the page hidden or visible, as switching tabs would, and tells it. */
  async function setVisible(page: Page, visible: boolean): Promise<void> {
    // A string: the test runner's transform would name an inline getter with a helper the page lacks.
    await page.evaluate(`(() => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, value: '${visible ? 'visible' : 'hidden'}' });
      document.dispatchEvent(new Event('visibilitychange'));
    })()`);
  }

  test('the picture changes in place before its id runs out; the old id is refused, the new one logs in', async () => {
    // Device pixel ratio 1: where a long signed payload was hardest to read back.
    const { page, sent } = await openPage(1);
    await startWidget(page);
    assert.equal(
      JSON.parse((await sent('gene'))[0]!).rotate,
      true,
      'the widget asks for rotation by default',
    );
    const before = await handle(page);
    const first = await shownId(page);
    assert.equal(first, before.publicId);
    assert.notEqual(first, before.random, 'the picture never shows the key the page polls with');

    await noteId(page);
    await later(page, FIRST_ROTATION_MS - 1);
    assert.equal((await sent('rotate')).length, 0, 'not before it is due');
    await later(page, 1);
    await rotated(page);
    const after = await handle(page);
    const second = await shownId(page);
    assert.equal(second, after.publicId, 'the new id is on screen');
    assert.notEqual(second, first);
    assert.equal(after.random, before.random, 'same code, same status stream');
    assert.deepEqual(JSON.parse((await sent('rotate'))[0]!), { random: before.random });
    assert.equal(await state(page), 'code');
    assert.equal(await page.evaluate(() => (window as unknown as PageState).gaps), 0, 'no flicker');
    const entries = await log(page);
    assert.deepEqual(
      entries.filter((e) => e[0] !== 'result'),
      [
        ['show', before.random],
        ['rotate', before.random, second],
      ],
      'a rotation calls onCodeRotate only: no onCodeShow, no onCodeDestroyed',
    );

    assert.equal(await phone('scanned', first), 2241, 'the old picture is refused (QR_NOT_FOUND)');
    assert.equal(await phone('scanned', second), 200);
    await page.locator('.scanlogin[data-state="scanned"]').waitFor();
    // A scanned code keeps its id until it is decided: no more rotations.
    await later(page, 3 * PERIOD * 1000);
    assert.equal((await sent('rotate')).length, 1);
    assert.equal(await phone('confirm', second), 200);
    await until(page, (w) => w.log.some((e) => e[0] === 'success'));
    const ticket = (await log(page)).find((e) => e[0] === 'success')?.[1];
    assert.ok(typeof ticket === 'string' && ticket.length > 0);
    await page.context().close();
  });

  test('a hidden page lets the rotation wait, and rotates at once when it shows again', async () => {
    const { page, sent } = await openPage(2);
    await startWidget(page);
    const first = await shownId(page);
    await noteId(page);
    await setVisible(page, false);
    await later(page, PERIOD * 1000 + 1000);
    assert.equal((await sent('rotate')).length, 0, 'nothing rotates while hidden');
    assert.equal(await phone('scanned', first), 2254, 'the stale picture is refused (QR_CODE_REPLACED)');

    await setVisible(page, true);
    await rotated(page);
    assert.equal((await sent('rotate')).length, 1);
    const second = await shownId(page);
    assert.notEqual(second, first);
    assert.equal(await phone('scanned', second), 200);
    await page.locator('.scanlogin[data-state="scanned"]').waitFor();
    await page.context().close();
  });

  test('a code that expired under the rotation goes the usual expiry way', async () => {
    const { page, sent } = await openPage(2);
    // Polling that will not look before the rotation, so the rotation is what meets the expiry
    // (a stream would hear it from the service first).
    await startWidget(page, "transports: ['polling'], interval: 60000,", false);
    clock.advance(200_000); // past the code's end on the service, before its first rotation
    await page.clock.runFor(FIRST_ROTATION_MS);
    await page.locator('.scanlogin[data-state="expired"]').waitFor();
    assert.equal((await sent('rotate')).length, 1);
    const entries = await log(page);
    assert.equal(entries.filter((e) => e[0] === 'expired').length, 1, 'onExpired once');
    assert.equal(entries.filter((e) => e[0] === 'error').length, 0, 'an expiry is not an error');
    await page.context().close();
  });

  test('rotate: false keeps one id for the code’s whole life', async () => {
    const { page, sent } = await openPage(2);
    await startWidget(page, 'rotate: false,');
    assert.equal('rotate' in JSON.parse((await sent('gene'))[0]!), false);
    const h = await handle(page);
    assert.equal(h.publicId, h.random);
    assert.equal(await shownId(page), h.random);
    await later(page, 3 * PERIOD * 1000);
    assert.equal((await sent('rotate')).length, 0);
    assert.equal(await phone('scanned', h.random!), 200);
    await page.context().close();
  });
});
