/**
 * Issue 17, part 3, in the companion (a phone-sized Chromium): the user sees
 * where the account is signed in ("Signed-in devices"), signs another device
 * out (its token is refused at the service at once), and "Log out" ends this
 * phone's own session at the service, not only on the phone.
 *
 * Every wait is for something the page does (an element, a response); none
 * has a deadline. The service runs on a ManualClock.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { SESSION_KEY } from '../apps/companion/src/session.js';
import { buildCompanion } from '../apps/companion/test/build.js';
import { ManualClock } from '../packages/server/src/domain/clock.js';
import {
  appAction,
  assertError,
  assertOk,
  call,
  startTestServer,
  type TestServer,
} from '../packages/server/test/helpers.js';
import { launchChromium, newContext } from './support.js';

const TABLET_UA =
  'Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

describe('the companion lists the signed-in devices and signs them out at the service', () => {
  const clock = new ManualClock(Date.now());
  let s: TestServer;
  let browser: Browser;
  let phone: Page;
  /** Alice's tablet: a second device, signed in over HTTP. */
  let tabletToken: string;

  before(async () => {
    s = await startTestServer({ clock, env: { COMPANION: buildCompanion() } });
    const tablet = await call(s.url, 'POST', '/api/v2/login/account', {
      body: { account: 'alice', password: 'alice-demo-pass' },
      headers: { 'x-authing-app-id': s.seed.app.id, 'user-agent': TABLET_UA },
    });
    tabletToken = assertOk(tablet).token;
    browser = await launchChromium();
    const context = await newContext(browser, {
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    phone = await context.newPage();
  });
  after(async () => {
    await browser?.close();
    await s?.close();
  });

  const active = async (token: string) =>
    assertOk(await call(s.url, 'POST', '/api/v2/token/validate', { body: { token } })).active as boolean;
  const text = async (selector: string) => ((await phone.locator(selector).textContent()) ?? '').trim();

  it('shows this phone and the tablet; signs the tablet out; "Log out" ends this phone at the service', async () => {
    await phone.goto(`${s.url}/companion/`);
    const form = phone.locator('#signin-form');
    await form.getByLabel('Account').fill('alice');
    await form.getByLabel('Password').fill('alice-demo-pass');
    await phone.getByRole('button', { name: 'Sign in' }).tap();
    await phone.locator('#home-title').waitFor();
    const phoneToken = await phone.evaluate(
      (key) => JSON.parse(localStorage.getItem(key) ?? '{}').token as string,
      SESSION_KEY,
    );
    assert.equal(await active(phoneToken), true);

    await phone.getByRole('button', { name: 'Signed-in devices' }).tap();
    await phone.locator('#sessions-title').waitFor();
    const rows = phone.locator('#sessions-list li');
    await rows.nth(1).waitFor();
    assert.equal(await rows.count(), 2);
    // This phone comes first, marked; the tablet is named by its browser and system.
    assert.equal(await rows.nth(0).getAttribute('data-current'), 'true');
    assert.match((await rows.nth(0).textContent()) ?? '', /\(this phone\)/);
    const tabletRow = rows.filter({ hasText: 'Safari 17 on iOS' });
    assert.equal(await tabletRow.count(), 1);
    assert.match((await tabletRow.textContent()) ?? '', /Demo website/);

    await tabletRow.getByRole('button', { name: /^Sign out Safari 17 on iOS/ }).tap();
    await phone.locator('#sessions-status', { hasText: 'Signed out Safari 17 on iOS' }).waitFor();
    assert.equal(await rows.count(), 1);
    assert.equal(await active(tabletToken), false);
    assertError(await appAction(s, 'scanned', 'r', tabletToken), 'INVALID_TOKEN');
    assert.equal(await active(phoneToken), true, 'this phone stays signed in');
    assert.match(await text('#sessions-status'), /can no longer approve logins/);

    // "Log out" in the header: the service ends this phone's session too.
    const loggedOut = phone.waitForResponse(
      (r) => r.url().endsWith('/api/v2/logout') && r.request().method() === 'POST',
    );
    await phone.getByRole('button', { name: 'Log out' }).tap();
    assert.deepEqual((await (await loggedOut).json()).data, { revoked: 1 });
    await phone.locator('#signin-title').waitFor();
    assert.equal(await active(phoneToken), false);
  });
});
