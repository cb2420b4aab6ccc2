/**
 * The demo website in Chromium with our web SDK. The test reads the code the
 * way a phone would, from a screenshot of the widget, then plays the app over
 * HTTP: login, scanned (the page shows the avatar and nickname), confirm; the
 * page lands on the protected profile. Also: cancel gives a fresh code, and an
 * expired code offers a refresh whose new code works.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startDemo } from '../apps/demo/src/index.js';
import { ManualClock } from '../packages/server/src/domain/clock.js';
import {
  admin,
  appAction,
  assertOk,
  loginAs,
  startTestServer,
  type TestServer,
} from '../packages/server/test/helpers.js';
import { build, iifePath } from '../packages/web-sdk/build.mjs';
import { advance, eventually, launchChromium, newContext, pauseClock, readQrFrom } from './support.js';

/** The seeded app's code lifetime, and how long after it the widget looks once more. */
const LIFETIME_MS = 120_000;
const EXPIRY_CHECK_AFTER_MS = 1500;

describe('demo website login in Chromium (our web SDK)', () => {
  // The service's time and the pages' time move only when a test moves them.
  const clock = new ManualClock(Date.now());
  let s: TestServer;
  let demo: Awaited<ReturnType<typeof startDemo>>;
  let browser: Browser;
  let token: string;

  before(async () => {
    if (!existsSync(iifePath)) await build({ types: false });
    s = await startTestServer({ clock });
    demo = await startDemo({
      appHost: s.url,
      appId: s.seed.app.id,
      appSecret: s.seed.app.secret,
      port: 0,
      sdkBundlePath: iifePath,
    });
    assertOk(await admin(s, 'PATCH', `/api/admin/apps/${s.seed.app.id}`, { allowedOrigins: [demo.url] }));
    token = await loginAs(s, s.seed.app.id, 'alice', 'alice-demo-pass');
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await demo?.close();
    await s?.close();
  });

  /** The demo's login page in a fresh browser session whose clock is paused at the service's. */
  async function loginPage(): Promise<Page> {
    const context = await newContext(browser);
    await pauseClock(context, clock);
    const page = await context.newPage();
    await page.goto(`${demo.url}/login`);
    return page;
  }

  /** The code shown by the widget, decoded from pixels. */
  async function shownCode(page: Page): Promise<{ random: string }> {
    const widget = page.locator('#qrcode');
    const text = await eventually(() => readQrFrom(widget));
    const payload = JSON.parse(text);
    assert.equal(payload.scene, 'APP_AUTH');
    assert.equal(payload.userPoolId, s.seed.pool.id);
    return { random: payload.random };
  }

  it('scan, see the scanner on the page, approve, land on the profile', async () => {
    const page = await loginPage();
    const { random } = await shownCode(page);
    // The same id is offered as text for people who cannot scan.
    assert.equal(await page.locator('#code-random').textContent(), random);

    assertOk(await appAction(s, 'scanned', random, token));
    await page.getByText('Alice').first().waitFor();
    const avatar = page.locator('#qrcode img').first();
    assert.match((await avatar.getAttribute('src')) ?? '', /^data:image\/svg\+xml/);

    assertOk(await appAction(s, 'confirm', random, token));
    await page.waitForURL(`${demo.url}/profile`);
    assert.match((await page.locator('#welcome').textContent()) ?? '', /Welcome, Alice/);
    // The session cookie is HttpOnly: page scripts cannot read it.
    assert.equal(await page.evaluate(() => document.cookie.includes('demo_session')), false);
    await page.context().close();
  });

  it('cancel on the phone: the page shows a fresh code', async () => {
    const page = await loginPage();
    const first = await shownCode(page);
    assertOk(await appAction(s, 'scanned', first.random, token));
    assertOk(await appAction(s, 'cancel', first.random, token));
    const next = await eventually(async () => {
      const c = await shownCode(page);
      return c.random !== first.random ? c : null;
    });
    // The fresh code works end to end.
    assertOk(await appAction(s, 'scanned', next.random, token));
    assertOk(await appAction(s, 'confirm', next.random, token));
    await page.waitForURL(`${demo.url}/profile`);
    await page.context().close();
  });

  it('an expired code offers a refresh, and the new code logs in', async () => {
    const page = await loginPage();
    const first = await shownCode(page);
    await advance(clock, LIFETIME_MS + EXPIRY_CHECK_AFTER_MS, page.context());
    await page.locator('.scanlogin[data-state="expired"]').waitFor();
    await page.locator('#qrcode button').first().click();
    const fresh = await eventually(async () => {
      const c = await shownCode(page);
      return c.random !== first.random ? c : null;
    });
    assertOk(await appAction(s, 'scanned', fresh.random, token));
    assertOk(await appAction(s, 'confirm', fresh.random, token));
    await page.waitForURL(`${demo.url}/profile`);
    await page.context().close();
  });
});
