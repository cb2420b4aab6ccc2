// The IIFE bundle in real Chromium against a live service: Authing's snippet
// unchanged, the QR code read back from a screenshot, every widget state, the
// transports and their fallbacks, accessibility and clean-up.
// Skipped when Chromium is not installed. No timing is asserted, and no wait
// has a deadline: the service runs on a ManualClock and each page's timers on a
// paused clock (e2e/support.ts), moved together only where a test is about time.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import * as esbuild from 'esbuild';
import jsQRmod from 'jsqr';
import type { Browser, Page } from 'playwright-core';
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
  basic,
  call,
  createTenant,
  freePort,
  loginAs,
  startTestServer,
  type TestServer,
} from '../../server/test/helpers.js';
import { iifeOptions } from '../build.mjs';
import { phone } from './support.js';

const jsQR = jsQRmod.default;
/** The seeded app's code lifetime (120 s), and the widget's timings around it. */
const LIFETIME_MS = 120_000;
/** The widget checks once this long after a code's announced end. */
const EXPIRY_CHECK_AFTER_MS = 1500;
/** With autoRefresh, a new code is asked for this long before the end. */
const RENEW_BEFORE_MS = 10_000;

/** What the page scripts leave on `window`. */
interface PageLog {
  log: unknown[][];
}

describe('the IIFE bundle in Chromium', { skip: !CHROMIUM && 'no Chromium' }, () => {
  const clock = new ManualClock(Date.now());
  let server: TestServer;
  let site: Server;
  let origin: string;
  let browser: Browser;
  let alice: Awaited<ReturnType<typeof phone>>;
  /** The calls a page's scripts made with fetch (the same reader for every page). */
  let fetches: Awaited<ReturnType<typeof recordFetches>>;

  before(async () => {
    // Exactly what ships: the package's own esbuild options, built in memory.
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
    // Behind a proxy that names the client's address, so a test can put a page or a phone elsewhere.
    server = await startTestServer({ clock, env: { DEMO_ORIGINS: origin, TRUST_PROXY: '1' } });
    alice = await phone(server);
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await new Promise((resolve) => site?.close(resolve));
  });

  /** A fresh browser context (its own cookies) on the test page, its clock paused at the service's. */
  async function openPage(): Promise<Page> {
    const context = await newContext(browser, {
      viewport: { width: 1000, height: 700 },
      deviceScaleFactor: 2,
    });
    await pauseClock(context, clock);
    fetches = await recordFetches(context);
    const page = await context.newPage();
    page.on('pageerror', (e) => console.error('page error:', e.message));
    await page.goto(origin);
    return page;
  }

  /** The QR code the widget shows, read from a screenshot of its <svg>. */
  async function readCode(page: Page): Promise<{ random: string; customData: Record<string, unknown> }> {
    const png = PNG.sync.read(await page.locator('#qrcode svg[role="img"]').screenshot());
    const found = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
    assert.ok(found, 'the code on screen decodes');
    return JSON.parse(found.data);
  }

  /**
   * Runs page code as a string, with `appId`, `appHost` and an empty
   * `window.log` in scope: the page sees plain JavaScript, exactly as a site
   * would write it (and nothing of the test runner's TypeScript transform).
   */
  async function start(page: Page, appId: string, js: string): Promise<void> {
    await page.evaluate(`(async () => {
      const appId = ${JSON.stringify(appId)};
      const appHost = ${JSON.stringify(server.url)};
      const log = (window.log = []);
      ${js}
    })()`);
  }

  const state = (page: Page, s: string) =>
    page.locator(`.scanlogin[data-state="${s}"]`).waitFor({ state: 'attached' });
  const liveText = async (page: Page) =>
    (await page.locator('.scanlogin [role="status"][aria-live="polite"]').textContent())?.trim();
  const log = (page: Page) => page.evaluate(() => (window as unknown as PageLog).log);
  /** The handle's `random` (the key the page reads the status with) and `publicId` (what the QR code carries). */
  const idsOf = (page: Page) =>
    page.evaluate(() => {
      const { handle } = window as unknown as { handle: { random: string | null; publicId: string | null } };
      return { random: handle.random, publicId: handle.publicId };
    });

  test('Authing’ snippet runs unchanged: scan shows the user, approve calls onSuccess with a ticket', async () => {
    const page = await openPage();
    await start(
      page,
      server.seed.app.id,
      `
        // A Chinese page (what it says of itself), as Authing's customers' mostly are.
        document.documentElement.lang = 'zh-CN';
        // Authing's code, with only the import changed (here: the global).
        const authenticationClient = new ScanLogin.AuthenticationClient({ appId, appHost });
        authenticationClient.qrcode.startScanning('qrcode', {
          onSuccess(userInfo, ticket) {
            log.push(['success', userInfo, ticket]);
          },
          onError(msg) {
            log.push(['error', msg]);
          },
        });
      `,
    );
    await state(page, 'code');
    const { random } = await readCode(page);
    assert.equal(await liveText(page), '请使用 App 扫码登录', 'no lang option: the page’s language');
    assert.equal(
      await page.locator('.scanlogin').getAttribute('data-transport'),
      'sse',
      'waits by Server-Sent Events',
    );

    await alice.scan(random);
    await state(page, 'scanned');
    assert.equal(await page.locator('.scanlogin strong').first().textContent(), 'Alice');
    await page.locator('.scanlogin img[src^="data:image/svg+xml"]').waitFor();
    assert.equal(await liveText(page), '扫码成功，请在手机上确认登录');

    await alice.confirm(random);
    await state(page, 'success');
    await page.waitForFunction(() => (window as unknown as PageLog).log.length > 0, null);
    const [entry] = await log(page);
    assert.equal(entry?.[0], 'success', JSON.stringify(entry));
    const ticket = entry?.[2] as string;
    assert.equal((entry?.[1] as { nickname?: string } | undefined)?.nickname, 'Alice');
    assert.equal(await liveText(page), '登录成功');

    // The website's backend redeems the ticket with the app secret.
    const redeemed = await call(server.url, 'POST', '/api/v2/qrcode/userinfo', {
      body: { ticket },
      headers: { authorization: basic(server.seed.app.id, server.seed.app.secret) },
    });
    assert.equal(redeemed.body.data?.username, 'alice', JSON.stringify(redeemed.body));
    await page.context().close();
  });

  test('a cancel brings a fresh code by itself; en-US texts with tips overrides; the handle', async () => {
    const page = await openPage();
    await start(
      page,
      server.seed.app.id,
      `
        const client = new ScanLogin.AuthenticationClient({ appId, appHost, lang: 'en-US' });
        window.handle = await client.qrcode.startScanning('qrcode', {
          tips: { title: 'Scan me' },
          onCodeShow: (r) => log.push(['show', r]),
          onCancel: () => log.push(['cancel']),
          onCodeDestroyed: (r) => log.push(['destroyed', r]),
        });
      `,
    );
    await state(page, 'code');
    const first = await readCode(page);
    const firstIds = await idsOf(page);
    assert.equal(firstIds.publicId, first.random, 'publicId: what the QR code carries');
    assert.notEqual(firstIds.random, first.random, 'rotating by default: the key never shows');
    assert.equal(await liveText(page), 'Scan me');

    await alice.scan(first.random);
    await state(page, 'scanned');
    assert.equal(await liveText(page), 'Scanned. Confirm the sign-in on your phone');
    await alice.cancel(first.random);
    await page.waitForFunction((old) => {
      const now = (window as unknown as { handle: { random: string | null } }).handle.random;
      return now !== null && now !== old;
    }, firstIds.random);
    await state(page, 'code');
    const second = await readCode(page);
    assert.notEqual(second.random, first.random);
    assert.equal((await idsOf(page)).publicId, second.random);
    assert.equal(await liveText(page), 'Cancelled. Scan the new code to try again');
    const entries = await log(page);
    assert.deepEqual(
      entries.map((e) => e[0]),
      ['show', 'cancel', 'destroyed', 'show'],
    );
    assert.deepEqual(entries[0], ['show', firstIds.random], 'callbacks name the code by its random');
    assert.deepEqual(entries[2], ['destroyed', firstIds.random]);
    await page.context().close();
  });

  test('an expired code shows a real refresh button that works from the keyboard', async () => {
    const page = await openPage();
    await start(
      page,
      server.seed.app.id,
      `
        const client = new ScanLogin.AuthenticationClient({ appId, appHost, lang: 'en-US' });
        window.handle = await client.qrcode.startScanning('qrcode', { onExpired: () => log.push(['expired']) });
      `,
    );
    await state(page, 'code');
    const first = await readCode(page);
    // Past the code's end on the service, and past the page's own check just after it.
    await advance(clock, LIFETIME_MS + EXPIRY_CHECK_AFTER_MS, page.context());
    await state(page, 'expired');
    assert.deepEqual(await log(page), [['expired']]);
    assert.equal(await liveText(page), 'The QR code has expired');
    const refresh = page.getByRole('button', { name: 'Refresh the code' });
    assert.equal(await refresh.evaluate((b) => b.tagName), 'BUTTON');

    await page.keyboard.press('Tab');
    assert.equal(await refresh.evaluate((b) => b === document.activeElement), true, 'Tab reaches the button');
    await page.keyboard.press('Enter');
    await state(page, 'code');
    const second = await readCode(page);
    assert.notEqual(second.random, first.random);
    assert.equal(
      await page.evaluate(() => document.activeElement?.classList.contains('scanlogin')),
      true,
      'focus stays in the widget when its button goes away',
    );
    await page.context().close();
  });

  test('autoRefresh renews a code before it expires', async () => {
    const page = await openPage();
    await start(
      page,
      server.seed.app.id,
      `
        const client = new ScanLogin.AuthenticationClient({ appId, appHost });
        window.handle = await client.qrcode.startScanning('qrcode', {
          autoRefresh: true,
          rotate: false,
          onCodeShow: (r) => log.push(['show', r]),
          onExpired: () => log.push(['expired']),
        });
      `,
    );
    for (const shows of [1, 2, 3]) {
      await page.waitForFunction((n) => (window as unknown as PageLog).log.length >= n, shows);
      // Ten seconds before the end of each code, the widget asks for the next one.
      if (shows < 3) await advance(clock, LIFETIME_MS - RENEW_BEFORE_MS, page.context());
    }
    const entries = await log(page);
    assert.deepEqual(
      entries.map((e) => e[0]),
      ['show', 'show', 'show'],
      'renewed twice, never expired',
    );
    assert.equal(new Set(entries.map((e) => e[1])).size, 3, 'three different codes');
    await page.context().close();
  });

  test('without a stream it falls back to long-poll; a network failure is shown, retried, and recovers', async () => {
    const page = await openPage();
    // The stream is unreachable (a proxy that blocks it, an old server).
    await page.route('**/api/v2/qrcode/events**', (route) => route.abort());
    await start(
      page,
      server.seed.app.id,
      `
        const client = new ScanLogin.AuthenticationClient({ appId, appHost, lang: 'en-US' });
        window.handle = await client.qrcode.startScanning('qrcode', {
          onError: (m) => log.push(['error', m]),
          onSuccess: (_u, t) => log.push(['success', t]),
        });
      `,
    );
    await state(page, 'code');
    await page.locator('.scanlogin[data-transport="long-poll"]').waitFor();
    const { random } = await readCode(page);

    // The network goes away: the next long-poll fails.
    await page.route('**/api/v2/qrcode/check**', (route) => route.abort());
    await alice.scan(random);
    await page.locator('.scanlogin[data-trouble="true"]').waitFor();
    assert.equal(await liveText(page), 'Connection problem; retrying…');
    assert.equal((await log(page)).length, 1, 'onError once for the streak');
    assert.equal((await log(page))[0]?.[0], 'error');

    // It comes back; "Retry now" skips the backoff.
    await page.unroute('**/api/v2/qrcode/check**');
    await page.getByRole('button', { name: 'Retry now' }).click();
    await state(page, 'scanned');
    await page.locator('.scanlogin:not([data-trouble])').waitFor();
    await alice.confirm(random);
    await state(page, 'success');
    await page.waitForFunction(() => (window as unknown as PageLog).log.some((e) => e[0] === 'success'));
    await page.context().close();
  });

  test('plain polling works too, and the code is the browser’s own (binding)', async () => {
    const page = await openPage();
    await start(
      page,
      server.seed.app.id,
      `
        const client = new ScanLogin.AuthenticationClient({ appId, appHost });
        window.handle = await client.qrcode.startScanning('qrcode', {
          transports: ['polling'],
          interval: 200,
          onSuccess: (_u, t) => log.push(['success', t]),
        });
      `,
    );
    await state(page, 'code');
    assert.equal(await page.locator('.scanlogin').getAttribute('data-transport'), 'polling');
    const { random: shown } = await readCode(page);
    await alice.scan(shown);
    await alice.confirm(shown);
    const { random } = await idsOf(page);
    // The page looks once per interval of its own time: move it one interval at a time.
    while ((await page.locator('.scanlogin').getAttribute('data-state')) !== 'success') {
      await advance(clock, 200, page.context());
    }
    await page.waitForFunction(() => (window as unknown as PageLog).log.length > 0);
    const ticket = (await log(page))[0]?.[1];
    assert.ok(typeof ticket === 'string' && ticket.length > 0);
    // Someone else who knows the random sees the status, never the ticket.
    const stranger = await call(server.url, 'GET', `/api/v2/qrcode/check?random=${random}`, { jar: false });
    assert.equal(stranger.body.data?.status, 2);
    assert.equal(stranger.body.data?.ticket, null);
    await page.context().close();
  });

  test('autoExchangeUserInfo redeems the ticket in the browser (cookies and binding cross-origin)', async () => {
    await server.services.directory.updateApp(server.seed.app.id, {
      qr: { allowExchangeUserInfoFromBrowser: true },
    });
    try {
      const page = await openPage();
      await start(
        page,
        server.seed.app.id,
        `
        const client = new ScanLogin.AuthenticationClient({ appId, appHost });
        window.handle = await client.qrcode.startScanning('qrcode', {
          autoExchangeUserInfo: true,
          onSuccess: (user, ticket) => log.push(['success', user, ticket]),
          onError: (m) => log.push(['error', m]),
        });
      `,
      );
      await state(page, 'code');
      const { random } = await readCode(page);
      await alice.scan(random);
      await alice.confirm(random);
      await page.waitForFunction(() => (window as unknown as PageLog).log.length > 0);
      const [entry] = await log(page);
      assert.equal(entry?.[0], 'success', JSON.stringify(entry));
      const user = entry?.[1] as { username: string; token: string };
      assert.equal(user.username, 'alice');
      assert.equal(typeof user.token, 'string');
      await page.context().close();
    } finally {
      await server.services.directory.updateApp(server.seed.app.id, {
        qr: { allowExchangeUserInfoFromBrowser: false },
      });
    }
  });

  test('with a check code the number to pick is shown when the phone scans', async () => {
    const tenant = await createTenant(server, { allowedOrigins: [origin] }, undefined, { checkCode: true });
    const token = await loginAs(server, tenant.appId, tenant.username, tenant.password);
    const page = await openPage();
    await start(
      page,
      tenant.appId,
      `
        const client = new ScanLogin.AuthenticationClient({ appId, appHost, lang: 'en-US' });
        window.handle = await client.qrcode.startScanning('qrcode', {
          onSuccess: (_u, t) => log.push(['success', t]),
        });
      `,
    );
    await state(page, 'code');
    const { random } = await readCode(page);
    const checkCode = await page.evaluate(
      () => (window as unknown as { handle: { checkCode: number } }).handle.checkCode,
    );
    assert.ok(checkCode >= 10 && checkCode < 100, String(checkCode));
    const act = (action: string, body: Record<string, unknown> = {}) =>
      call(server.url, 'POST', `/api/v2/qrcode/${action}`, {
        body: { random, ...body },
        headers: { authorization: `Bearer ${token}` },
      });
    assert.equal((await act('scanned')).body.code, 200);
    await state(page, 'scanned');
    assert.equal(await page.locator('.scanlogin .scanlogin-check-code').textContent(), String(checkCode));
    assert.match((await liveText(page)) ?? '', new RegExp(`Pick this number on your phone: ${checkCode}`));
    assert.equal((await act('confirm', { checkCode })).body.code, 200);
    await state(page, 'success');
    await page.context().close();
  });

  test('on a step-up pool the widget is told status 4 over its stream (onMfa), then logs in after the step-up (issue 13)', async () => {
    const tenant = await createTenant(server, { allowedOrigins: [origin] }, undefined, {
      proximityPolicy: 'step-up',
    });
    const token = await loginAs(server, tenant.appId, tenant.username, tenant.password);
    const page = await openPage();
    const streams: string[] = [];
    // The page appears to be in the United Kingdom (added below the page, which needs no CORS approval).
    await page.context().route(`${server.url}/**`, (route) => {
      if (route.request().url().includes('/api/v2/qrcode/events')) streams.push(route.request().url());
      return route.continue({ headers: { ...route.request().headers(), 'x-forwarded-for': '81.2.69.160' } });
    });
    await start(
      page,
      tenant.appId,
      `
        const client = new ScanLogin.AuthenticationClient({ appId, appHost, lang: 'en-US' });
        window.handle = await client.qrcode.startScanning('qrcode', {
          onMfa: (code, message) => log.push(['mfa', code, message]),
          onSuccess: (_u, t) => log.push(['success', t]),
        });
      `,
    );
    await state(page, 'code');
    assert.equal(await page.locator('.scanlogin').getAttribute('data-transport'), 'sse');
    const { random } = await readCode(page);
    // The phone, in the United States.
    const act = (action: string, body: Record<string, unknown> = {}) =>
      call(server.url, 'POST', `/api/v2/qrcode/${action}`, {
        body: { random, ...body },
        headers: { authorization: `Bearer ${token}`, 'x-forwarded-for': '8.8.8.8' },
      });
    assert.equal((await act('scanned')).body.data.status, 4);
    await page.waitForFunction(() => (window as unknown as PageLog).log.length > 0, null);
    assert.deepEqual(await log(page), [
      ['mfa', 2250, 'This login comes from far away: confirm your password on the phone to continue.'],
    ]);
    await state(page, 'scanned');
    assert.equal(await liveText(page), 'Extra verification is needed on your phone');
    assert.ok(streams.length > 0 && streams.every((u) => new URL(u).searchParams.get('stepUp') === '1'));

    assert.equal((await act('step-up', { password: tenant.password })).body.data.status, 1);
    assert.equal((await act('confirm')).body.data.status, 2);
    await state(page, 'success');
    const entries = await log(page);
    assert.equal(entries.length, 2);
    assert.equal(entries[1]?.[0], 'success');
    await page.context().close();
  });

  test('status 5 (issue 17): the app is deleted while the widget waits; it shows why and calls onError once', async () => {
    const tenant = await createTenant(server, { allowedOrigins: [origin] });
    const token = await loginAs(server, tenant.appId, tenant.username, tenant.password);
    const page = await openPage();
    await start(
      page,
      tenant.appId,
      `
        const client = new ScanLogin.AuthenticationClient({ appId, appHost, lang: 'en-US' });
        window.handle = await client.qrcode.startScanning('qrcode', {
          customData: { cart: 'c-42' },
          withCustomData: true,
          onError: (message) => log.push(['error', message]),
        });
      `,
    );
    await state(page, 'code');
    const { random, customData } = await readCode(page);
    assert.deepEqual(customData, { cart: 'c-42' });
    const scanned = await call(server.url, 'POST', '/api/v2/qrcode/scanned', {
      body: { random },
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(scanned.body.data.status, 1);
    await state(page, 'scanned');
    const deleted = await call(server.url, 'DELETE', `/api/admin/apps/${tenant.appId}`, {
      headers: { authorization: `Bearer ${server.seed.adminToken}` },
    });
    assert.equal(deleted.body.code, 200);
    await state(page, 'failed');
    assert.equal(await liveText(page), 'This sign-in was stopped: The application does not exist.');
    assert.deepEqual(await log(page), [['error', 'The application does not exist.']]);
    await page.context().close();
  });

  test('with no element of that id a centred box is mounted; destroy removes it and stops all traffic', async () => {
    const page = await openPage();
    await start(
      page,
      server.seed.app.id,
      `
        const client = new ScanLogin.AuthenticationClient({ appId, appHost });
        window.client = client;
        window.handle = await client.qrcode.startScanning('nowhere', { transports: ['polling'], interval: 100 });
      `,
    );
    await page.locator('#nowhere .scanlogin[data-state="code"]').waitFor();
    // Starting again on the same id replaces the widget instead of stacking a second one.
    await page.evaluate(`(async () => {
      window.handle = await window.client.qrcode.startScanning('nowhere', { transports: ['polling'], interval: 100 });
    })()`);
    await page.locator('#nowhere .scanlogin[data-state="code"]').waitFor();
    assert.equal(await page.locator('#nowhere').count(), 1);
    assert.equal(await page.locator('.scanlogin').count(), 1);
    const box = await page.locator('#nowhere').boundingBox();
    assert.ok(box);
    assert.equal(Math.round(box.width), 300);
    assert.equal(Math.round(box.height), 300);
    assert.equal(Math.round(box.x + box.width / 2), 500, 'centred horizontally');
    assert.equal(Math.round(box.y + box.height / 2), 350, 'centred vertically');
    assert.equal(await page.locator('#nowhere').evaluate((e) => getComputedStyle(e).position), 'fixed');

    await advance(clock, 100, page.context());
    const polls = async () =>
      (await fetches(page)).filter((r) => r.url.includes('/api/v2/qrcode/check')).length;
    assert.equal(await polls(), 1, 'one poll per interval while it runs');
    await page.evaluate('window.client.qrcode.destroy()');
    assert.equal(await page.locator('#nowhere').count(), 0, 'the mounted box is gone');
    const before = (await fetches(page)).length;
    // Ten polling intervals later, not one request more.
    await advance(clock, 1000, page.context());
    assert.equal((await fetches(page)).length, before, 'no request after destroy');
    await page.context().close();
  });
});
