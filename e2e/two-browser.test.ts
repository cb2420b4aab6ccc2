/**
 * THE TWO-BROWSER WALK, in real Chromium. A desktop browser opens the demo
 * website's login page; a screenshot of its QR widget becomes the camera of a
 * second, phone-sized browser running the companion (served by the service at
 * /companion/). The phone signs in as alice, reads the code through the
 * camera, shows the confirm screen with where the request came from, and
 * approves, denies, or (with a code that expired on the confirm screen) finds
 * it expired.
 *
 * No timings are asserted and no wait has a deadline. The service runs on a
 * ManualClock; the desktop's timers are paused with it, and the phone's `Date`
 * shows its time (e2e/support.ts), so a code expires when the test says so.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { buildCompanion } from '../apps/companion/test/build.js';
import { startDemo } from '../apps/demo/src/index.js';
import { ManualClock } from '../packages/server/src/domain/clock.js';
import {
  admin,
  assertOk,
  freePort,
  startTestServer,
  type TestServer,
} from '../packages/server/test/helpers.js';
import { fakeCameraArgs, writeFakeCamera } from './fake-camera.js';
import {
  advance,
  eventually,
  launchChromium,
  newContext,
  pauseClock,
  readQrFrom,
  showServiceTime,
} from './support.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const SDK_BUNDLE = join(root, 'packages/web-sdk/dist/scanlogin.iife.js');
/** The seeded app's code lifetime, and how long after it the widget looks once more. */
const LIFETIME_MS = 120_000;
const EXPIRY_CHECK_AFTER_MS = 1500;

/** The demo page needs the web SDK's browser bundle; build it when it is missing. */
function ensureWebSdkBundle(): void {
  if (existsSync(SDK_BUNDLE)) return;
  const r = spawnSync('npm', ['run', 'build', '-w', '@scanlogin/web-sdk', '--silent'], {
    cwd: root,
    encoding: 'utf8',
  });
  if (r.status !== 0 || !existsSync(SDK_BUNDLE)) {
    throw new Error(`the web SDK bundle ${SDK_BUNDLE} could not be built:\n${r.stdout}\n${r.stderr}`);
  }
}

describe('two browsers: the demo website on a desktop, the companion on a phone', () => {
  const clock = new ManualClock(Date.now());
  let s: TestServer;
  let demo: Awaited<ReturnType<typeof startDemo>>;
  let demoOrigin: string;
  let desktop: Browser;
  let phoneBrowser: Browser;
  let phoneContext: BrowserContext;
  let phone: Page;
  let scratch: string;
  let camera: string;
  const desktops: BrowserContext[] = [];

  before(async () => {
    ensureWebSdkBundle();
    const dist = buildCompanion();
    const demoPort = await freePort();
    demoOrigin = `http://127.0.0.1:${demoPort}`;
    s = await startTestServer({
      clock,
      // X-Forwarded-For is trusted so that one walk can place the two browsers in two countries.
      env: { DEMO_ORIGINS: demoOrigin, TRUST_PROXY: '1', COMPANION: dist },
    });
    demo = await startDemo({
      appHost: s.url,
      issuer: s.services.config.publicUrl,
      appId: s.seed.app.id,
      appSecret: s.seed.app.secret,
      host: '127.0.0.1',
      port: demoPort,
      sdkBundlePath: SDK_BUNDLE,
    });
    assert.equal(demo.url, demoOrigin);

    scratch = mkdtempSync(join(tmpdir(), 'two-browser-'));
    camera = join(scratch, 'camera.y4m');
    writeFakeCamera(camera, null); // a white frame until a code is shown
    desktop = await launchChromium();
    phoneBrowser = await launchChromium(fakeCameraArgs(camera));
    phoneContext = await newContext(phoneBrowser, {
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      userAgent:
        'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
    });
    await showServiceTime(phoneContext, clock);
    phone = await phoneContext.newPage();
  });

  after(async () => {
    for (const c of desktops) await c.close().catch(() => {});
    await phoneBrowser?.close();
    await desktop?.close();
    await demo?.close();
    await s?.close();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  /** A fresh desktop browser session on the demo's login page, once its code is readable. */
  async function desktopLoginPage(
    serviceHeaders: Record<string, string> = {},
  ): Promise<{ page: Page; code: string }> {
    const context = await newContext(desktop, { viewport: { width: 1280, height: 800 } });
    await pauseClock(context, clock);
    desktops.push(context);
    if (Object.keys(serviceHeaders).length) {
      // Added below the page (not as page headers, which would need CORS approval) on calls to the service.
      await context.route(`${s.url}/**`, (route) =>
        route.continue({ headers: { ...route.request().headers(), ...serviceHeaders } }),
      );
    }
    const page = await context.newPage();
    await page.goto(`${demo.url}/login`);
    const code = await eventually(() => readQrFrom(page.locator('#qrcode')));
    return { page, code };
  }

  /** What the phone's camera sees from now on: the desktop's QR widget. */
  async function pointPhoneCameraAt(page: Page): Promise<void> {
    writeFakeCamera(camera, await page.locator('#qrcode').screenshot());
  }

  /** From the phone's start screen: scan, and wait for the confirm screen (or another one). */
  async function phoneScansToConfirm(on: Page = phone, screen = '#screen-confirm'): Promise<void> {
    await on.goto(`${s.url}/companion/`);
    await on.locator('#scan-start').waitFor();
    await on.locator('#scan-start').tap();
    await on.locator(screen).waitFor();
  }

  async function signIn(on: Page): Promise<void> {
    await on.goto(`${s.url}/companion/`);
    const form = on.locator('#signin-form');
    await form.getByLabel('Account').fill('alice');
    await form.getByLabel('Password').fill('alice-demo-pass');
    await on.getByRole('button', { name: 'Sign in' }).tap();
    await on.locator('#home-title').waitFor();
  }

  const poolSecurity = async (settings: Record<string, unknown>) =>
    assertOk(await admin(s, 'PATCH', `/api/admin/pools/${s.seed.pool.id}`, settings));

  const random = (code: string) => (JSON.parse(code) as { random: string }).random;

  it('the phone signs in as alice and stays signed in', async () => {
    await signIn(phone);
    assert.equal((await phone.locator('#home-title').textContent())?.trim(), 'Hello, Alice');
    await phone.reload();
    await phone.locator('#home-title').waitFor();
    assert.equal(await phone.locator('#screen-signin').isVisible(), false);
  });

  it('approve: the phone shows where the request came from, and the desktop lands on /profile as Alice', async () => {
    const { page, code } = await desktopLoginPage();
    await pointPhoneCameraAt(page);
    await phoneScansToConfirm();

    // The confirm screen, with the context the service observed.
    assert.equal((await phone.locator('#confirm-app').textContent())?.trim(), 'Demo website');
    const origin = phone.locator('#confirm-origin');
    assert.equal(await origin.isVisible(), true);
    assert.equal((await origin.textContent())?.trim(), demoOrigin);
    const warning = phone
      .locator('#screen-confirm')
      .getByText('If you did not just open this page yourself, tap Deny.');
    assert.equal(await warning.isVisible(), true);
    assert.match((await phone.locator('#confirm-where').textContent()) ?? '', /127\.0\.0\.1/);
    assert.equal(await phone.getByText('(reported by the browser)').isVisible(), true);
    assert.match((await phone.locator('#confirm-device').textContent()) ?? '', /Chrome|Chromium|Linux/);

    // Deny is exactly as prominent as Approve: same size and weight, side by side.
    const deny = phone.getByRole('button', { name: 'Deny' });
    const approve = phone.getByRole('button', { name: 'Approve' });
    const [d, a] = [await deny.boundingBox(), await approve.boundingBox()];
    assert.ok(d && a);
    assert.equal(Math.round(d.width), Math.round(a.width));
    assert.equal(Math.round(d.height), Math.round(a.height));
    assert.equal(Math.round(d.y), Math.round(a.y), 'side by side');
    const style = (l: typeof deny) =>
      l.evaluate((el) => {
        const cs = getComputedStyle(el);
        return [cs.fontSize, cs.fontWeight, cs.borderWidth, cs.padding].join(' ');
      });
    assert.equal(await style(deny), await style(approve));

    await approve.tap();
    await phone.locator('#result-title').waitFor();
    assert.equal((await phone.locator('#result-title').textContent())?.trim(), 'Approved');
    await eventually(
      async () => ((await phone.locator('#announce').textContent()) ?? '').includes('Approved') || null,
    );

    await page.waitForURL('**/profile');
    assert.match((await page.locator('#welcome').textContent()) ?? '', /Alice/);

    // The phone's history lists the login.
    await phone.getByRole('button', { name: 'Back to start' }).tap();
    await eventually(async () => {
      const text = (await phone.locator('#history-list').textContent()) ?? '';
      return text.includes('Demo website') && text.includes(demoOrigin) ? text : null;
    });
    assert.ok(random(code));
  });

  it('deny: nobody is logged in and the desktop shows a fresh, different code', async () => {
    const { page, code } = await desktopLoginPage();
    await pointPhoneCameraAt(page);
    await phoneScansToConfirm();
    assert.equal((await phone.locator('#confirm-origin').textContent())?.trim(), demoOrigin);
    assert.equal(
      await phone
        .locator('#screen-confirm')
        .getByText('If you did not just open this page yourself, tap Deny.')
        .isVisible(),
      true,
    );

    await phone.getByRole('button', { name: 'Deny' }).tap();
    await phone.locator('#result-title').waitFor();
    assert.equal((await phone.locator('#result-title').textContent())?.trim(), 'Login denied');

    const fresh = await eventually(async () => {
      const next = await readQrFrom(page.locator('#qrcode'));
      return next && random(next) !== random(code) ? next : null;
    });
    assert.notEqual(random(fresh), random(code));
    assert.ok(page.url().endsWith('/login'), page.url());
    // The picture carries the code's public id (the web SDK rotates it), not the key `check` takes.
    const denied = await s.services.storage.sessions.findByPublicId(random(code));
    assert.equal(denied?.status, 3, 'the denied code is cancelled');
  });

  it('check code: the phone offers three numbers and approves only with the one the desktop shows', async () => {
    await poolSecurity({ checkCode: true });
    try {
      const { page, code } = await desktopLoginPage();
      await pointPhoneCameraAt(page);
      await phoneScansToConfirm();
      const choices = phone.locator('#check-code-choices button');
      assert.equal(await choices.count(), 3);
      const approve = phone.getByRole('button', { name: 'Approve' });
      assert.equal(await approve.isDisabled(), true, 'Approve waits for a number');
      const offered = (await choices.allTextContents()).map((t) => t.trim());

      // The number the desktop shows next to the scanned code.
      const shown = await eventually(async () => {
        const text = (await page.locator('#qrcode').textContent()) ?? '';
        const present = offered.filter((n) => new RegExp(`(?<!\\d)${n}(?!\\d)`).test(text));
        return present.length === 1 ? present[0]! : null;
      });
      const stored = await s.services.storage.sessions.findByPublicId(random(code));
      assert.equal(String(stored?.checkCode), shown, 'the desktop shows the code the service expects');

      await phone.locator('#check-code-choices').getByRole('button', { name: shown }).tap();
      assert.equal(await approve.isDisabled(), false);
      await approve.tap();
      await phone.locator('#result-title').waitFor();
      assert.equal((await phone.locator('#result-title').textContent())?.trim(), 'Approved');
      await page.waitForURL('**/profile');
    } finally {
      await poolSecurity({ checkCode: false });
    }
  });

  it('step-up: a request from another country needs the password, then shows the distance', async () => {
    await poolSecurity({ proximityPolicy: 'step-up' });
    // The desktop appears to be in the United Kingdom, this phone in the United States.
    const far = await newContext(phoneBrowser, {
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      extraHTTPHeaders: { 'x-forwarded-for': '8.8.8.8' },
    });
    try {
      await showServiceTime(far, clock);
      const farPhone = await far.newPage();
      await signIn(farPhone);
      const { page } = await desktopLoginPage({ 'x-forwarded-for': '81.2.69.160' });
      await pointPhoneCameraAt(page);
      await phoneScansToConfirm(farPhone, '#screen-stepup');
      assert.equal((await farPhone.locator('#stepup-origin').textContent())?.trim(), demoOrigin);
      assert.match((await farPhone.locator('#stepup-where').textContent()) ?? '', /United Kingdom/);

      await farPhone.locator('#stepup-password').fill('not-her-password');
      await farPhone.getByRole('button', { name: 'Continue' }).tap();
      await farPhone.locator('#stepup-error').waitFor();
      assert.match((await farPhone.locator('#stepup-error').textContent()) ?? '', /Wrong password/);

      await farPhone.locator('#stepup-password').fill('alice-demo-pass');
      await farPhone.getByRole('button', { name: 'Continue' }).tap();
      await farPhone.locator('#screen-confirm').waitFor();
      const distance = farPhone.locator('#confirm-proximity');
      assert.equal(await distance.isVisible(), true);
      assert.match((await distance.textContent()) ?? '', /United Kingdom.*United States/);
      await farPhone.getByRole('button', { name: 'Approve' }).tap();
      await page.waitForURL('**/profile');
    } finally {
      await far.close();
      await poolSecurity({ proximityPolicy: 'allow' });
    }
  });

  it('expired: approving a code that expired on the confirm screen says so on both screens', async () => {
    const { page } = await desktopLoginPage();
    await pointPhoneCameraAt(page);
    await phoneScansToConfirm();
    assert.equal((await phone.locator('#confirm-origin').textContent())?.trim(), demoOrigin);

    // While the phone shows the confirm screen, the code runs out; the desktop notices.
    await advance(clock, LIFETIME_MS + EXPIRY_CHECK_AFTER_MS, page.context(), phoneContext);
    await page.locator('#qrcode [data-state="expired"]').waitFor({ state: 'attached' });
    await phone.getByRole('button', { name: 'Approve' }).tap();
    await phone.locator('#result-title').waitFor();
    assert.equal((await phone.locator('#result-title').textContent())?.trim(), 'This code has expired');
    assert.match((await phone.locator('#result-detail').textContent()) ?? '', /Refresh the login page/);
    assert.equal(await phone.getByRole('button', { name: 'Scan a code' }).isVisible(), true);

    // The desktop keeps its expired state (with a way to get a new code) and logged nobody in.
    assert.equal(await page.locator('#qrcode [data-state="expired"]').count(), 1);
    assert.ok(await page.locator('#qrcode button').first().isVisible(), 'a refresh button');
    assert.ok(page.url().endsWith('/login'), page.url());
  });
});
