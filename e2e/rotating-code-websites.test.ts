/**
 * A rotating code and the websites it signs in, in two real Chromiums. The
 * demo website (our web SDK, which rotates codes by default) shows a code
 * whose picture changes every 10 s; the companion on a phone-sized browser
 * reads it through a fake camera, verifies its signature against the
 * service's keys, and approves. A picture taken before the rotation is
 * refused. Then the phone's "Signed-in websites" screen lists the demo
 * website and signs it out: the website's token stops validating at once.
 * "Sign out everywhere" asks first, then ends every other session.
 *
 * The service runs on a ManualClock; the desktop's timers are paused with it
 * and the phone's `Date` shows its time (e2e/support.ts): the code rotates
 * when the test moves the clock, never in between. No wait has a deadline.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { buildCompanion } from '../apps/companion/test/build.js';
import { startDemo } from '../apps/demo/src/index.js';
import { ManualClock } from '../packages/server/src/domain/clock.js';
import {
  admin,
  appAction,
  approvedCode,
  assertOk,
  basic,
  call,
  freePort,
  loginAs,
  startTestServer,
  type TestServer,
} from '../packages/server/test/helpers.js';
import { build, iifePath } from '../packages/web-sdk/build.mjs';
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

const ROTATE_EVERY = 10; // seconds: the shortest period a pool may have
/** The widget asks for the next picture two seconds before the current one runs out. */
const ROTATION_DUE_MS = (ROTATE_EVERY - 2) * 1000;

describe('a rotating code, the companion, and signing the website out again', () => {
  const clock = new ManualClock(Date.now());
  let s: TestServer;
  let demo: Awaited<ReturnType<typeof startDemo>>;
  let desktop: Browser;
  let phoneBrowser: Browser;
  let phone: Page;
  let phoneContext: BrowserContext;
  let page: Page;
  let scratch: string;
  let camera: string;
  /** The app token of a second phone of alice's, acting over HTTP. */
  let aliceToken: string;
  /** The demo website's token for alice, once the login went through. */
  let websiteToken: string;

  before(async () => {
    // Built when missing only: other test files read the bundle at the same time.
    if (!existsSync(iifePath)) await build({ types: false });
    const dist = buildCompanion();
    const demoPort = await freePort();
    const demoOrigin = `http://127.0.0.1:${demoPort}`;
    s = await startTestServer({
      clock,
      env: { DEMO_ORIGINS: demoOrigin, COMPANION: dist },
    });
    assertOk(await admin(s, 'PATCH', `/api/admin/pools/${s.seed.pool.id}`, { rotateQrEvery: ROTATE_EVERY }));
    demo = await startDemo({
      appHost: s.url,
      issuer: s.services.config.publicUrl,
      appId: s.seed.app.id,
      appSecret: s.seed.app.secret,
      host: '127.0.0.1',
      port: demoPort,
      sdkBundlePath: iifePath,
    });
    aliceToken = await loginAs(s, s.seed.app.id, 'alice', 'alice-demo-pass');
    scratch = mkdtempSync(join(tmpdir(), 'rotating-code-'));
    camera = join(scratch, 'camera.y4m');
    writeFakeCamera(camera, null);
    desktop = await launchChromium();
    phoneBrowser = await launchChromium(fakeCameraArgs(camera));
    phoneContext = await newContext(phoneBrowser, {
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
    });
    await showServiceTime(phoneContext, clock);
    phone = await phoneContext.newPage();
    const desktopContext = await newContext(desktop, { viewport: { width: 1280, height: 800 } });
    await pauseClock(desktopContext, clock);
    page = await desktopContext.newPage();
  });

  after(async () => {
    await phoneBrowser?.close();
    await desktop?.close();
    await demo?.close();
    await s?.close();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  const idOf = (qrText: string): string => JSON.parse(qrText).random;
  const validate = async (token: string): Promise<boolean> =>
    assertOk(await call(s.url, 'POST', '/api/v2/token/validate', { body: { token } })).active;
  const text = async (selector: string) => ((await phone.locator(selector).textContent()) ?? '').trim();

  /** From the phone's start screen, scans whatever the camera sees; waits for `screen`. */
  async function phoneScans(screen: string): Promise<void> {
    await phone.goto(`${s.url}/companion/`);
    await phone.locator('#scan-start').tap();
    await phone.locator(screen).waitFor();
  }

  it('the phone signs in', async () => {
    await phone.goto(`${s.url}/companion/`);
    const form = phone.locator('#signin-form');
    await form.getByLabel('Account').fill('alice');
    await form.getByLabel('Password').fill('alice-demo-pass');
    await phone.getByRole('button', { name: 'Sign in' }).tap();
    await phone.locator('#home-title').waitFor();
  });

  it('the website’s code changes picture while it waits; the old picture is refused, the new one logs in', async () => {
    await page.goto(`${demo.url}/login`);
    const first = await eventually(() => readQrFrom(page.locator('#qrcode')));
    const oldPicture = await page.locator('#qrcode').screenshot();
    assert.equal(
      await page.locator('#code-random').textContent(),
      JSON.parse(first).random,
      "'Can't scan?' names the id in the picture",
    );
    await advance(clock, ROTATION_DUE_MS, page.context(), phoneContext);
    const second = await eventually(async () => {
      const now = await readQrFrom(page.locator('#qrcode'));
      return now && idOf(now) !== idOf(first) ? now : null;
    });
    assert.equal(JSON.parse(second).userPoolId, s.seed.pool.id);
    assert.equal(
      await page.locator('#code-random').textContent(),
      JSON.parse(second).random,
      "'Can't scan?' follows the rotation",
    );
    assert.equal(await page.locator('.scanlogin').getAttribute('data-state'), 'code');

    // The old picture: the service no longer knows its id.
    assert.equal((await appAction(s, 'scanned', idOf(first), aliceToken)).body.code, 2241);
    writeFakeCamera(camera, oldPicture);
    await phoneScans('#screen-result');
    assert.equal(await text('#result-title'), 'Unknown login code');

    // The picture on screen now (nothing rotates meanwhile: the page's time stands still).
    writeFakeCamera(camera, await page.locator('#qrcode').screenshot());
    await phoneScans('#screen-confirm');
    assert.equal(await text('#confirm-origin'), demo.url);
    await phone.getByRole('button', { name: 'Approve' }).tap();
    await phone.locator('#result-title').waitFor();
    assert.equal(await text('#result-title'), 'Approved');
    await page.waitForURL('**/profile');

    const cookie = (await page.context().cookies()).find((c) => c.name === 'demo_session');
    assert.ok(cookie, 'the website keeps its token in its session cookie');
    websiteToken = decodeURIComponent(cookie.value);
    assert.equal(await validate(websiteToken), true);
  });

  it('the phone lists the website and signs it out; its token fails validation at once', async () => {
    await phone.getByRole('button', { name: 'Back to start' }).tap();
    await phone.getByRole('button', { name: 'Signed-in websites' }).tap();
    await phone.locator('#sites-title').waitFor();
    const row = phone.locator('#sites-list li').filter({ hasText: demo.url });
    await row.waitFor();
    const rowText = (await row.textContent()) ?? '';
    assert.match(rowText, /Demo website/);
    assert.match(rowText, /From .*127\.0\.0\.1/);
    assert.match(rowText, /Signed in .*ago|just now/);

    await row.getByRole('button', { name: `Sign out of Demo website (${demo.url})` }).tap();
    await row.waitFor({ state: 'detached' });
    assert.match(await text('#sites-status'), /^Signed out of Demo website\./);
    assert.equal(await validate(websiteToken), false);
  });

  it('"Sign out everywhere" asks first, then ends every other website session', async () => {
    const tokens: string[] = [];
    for (let i = 0; i < 2; i++) {
      const { ticket } = await approvedCode(s, aliceToken);
      const user = assertOk(
        await call(s.url, 'POST', '/api/v2/qrcode/userinfo', {
          body: { ticket },
          headers: { authorization: basic(s.seed.app.id, s.seed.app.secret) },
        }),
      );
      tokens.push(user.token);
    }
    await phone.getByRole('button', { name: 'Refresh' }).tap();
    await eventually(async () => ((await phone.locator('#sites-list li').count()) === 2 ? true : null));

    await phone.getByRole('button', { name: 'Sign out everywhere' }).tap();
    assert.match(await text('#sites-confirm-text'), /Sign out of all 2 websites/);
    await phone.getByRole('button', { name: 'Keep them' }).tap();
    assert.equal(await phone.locator('#sites-confirm').isVisible(), false);
    assert.equal(await validate(tokens[0]!), true, 'keeping them changes nothing');

    await phone.getByRole('button', { name: 'Sign out everywhere' }).tap();
    await phone.getByRole('button', { name: 'Yes, sign out' }).tap();
    await eventually(async () =>
      (await text('#sites-status')).startsWith('Signed out of 2 websites.') ? true : null,
    );
    assert.equal(await phone.locator('#sites-list li').count(), 0);
    assert.equal(await phone.locator('#sites-all').isVisible(), false, 'nothing left to sign out');
    for (const token of tokens) assert.equal(await validate(token), false);
  });
});
