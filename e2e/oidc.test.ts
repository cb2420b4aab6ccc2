/**
 * OpenID Connect and the device grant in real Chromium, with stock clients:
 *
 * - `openid-client` is the relying party of an authorization code + PKCE
 *   sign-in; the browser lands on the hosted sign-in page, whose QR code (our
 *   web SDK) is read from a screenshot and approved by the app SDK, as a phone
 *   app would; the RP validates the ID token, reads userinfo, refreshes, and
 *   logs the browser out.
 * - `openid-client` is a device polling the token endpoint while the
 *   companion, in a phone-sized Chromium, types the user code and approves;
 *   a denied request ends with access_denied, an expired one with
 *   expired_token.
 *
 * No wait has a deadline. The service runs on a ManualClock; the sign-in
 * page's timers are paused with it, the phone's `Date` shows its time, and
 * the device's polls move it by the interval (e2e/support.ts).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import * as client from 'openid-client';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { buildCompanion } from '../apps/companion/test/build.js';
import { ScanloginApp } from '../packages/app-sdk/src/index.js';
import { ManualClock } from '../packages/server/src/domain/clock.js';
import { assertOk, call, startTestServer, type TestServer } from '../packages/server/test/helpers.js';
import { deviceAuthorization, devicePoll } from '../packages/server/test/support/oidc.js';
import { build, iifePath } from '../packages/web-sdk/build.mjs';
import {
  advance,
  eventually,
  launchChromium,
  newContext,
  pauseClock,
  readQrFrom,
  type StaticSite,
  serveStatic,
  showServiceTime,
} from './support.js';

describe('OpenID Connect in Chromium: openid-client signs in through the hosted QR page', () => {
  const clock = new ManualClock(Date.now());
  let s: TestServer;
  let site: StaticSite;
  let browser: Browser;
  let rp: client.Configuration;
  let phone: ScanloginApp;

  before(async () => {
    if (!existsSync(iifePath)) await build({ types: false });
    s = await startTestServer({ clock });
    s.services.oidc.useWebSdkBundle(iifePath);
    // The relying party's own pages: where the provider sends the browser back.
    site = await serveStatic({
      '/callback': { type: 'text/html', body: '<!doctype html><title>RP</title><p id="rp">callback</p>' },
      '/signed-out': { type: 'text/html', body: '<!doctype html><title>RP</title><p id="rp">signed out</p>' },
    });
    assertOk(
      await call(s.url, 'PATCH', `/api/admin/apps/${s.seed.app.id}`, {
        headers: { authorization: `Bearer ${s.seed.adminToken}` },
        body: { redirectUris: [`${site.url}/callback`], postLogoutRedirectUris: [`${site.url}/signed-out`] },
        jar: false,
      }),
    );
    rp = await client.discovery(new URL(s.url), s.seed.app.id, s.seed.app.secret, undefined, {
      execute: [client.allowInsecureRequests],
    });
    // The phone: the app SDK, signed in as Alice, checking codes against the service's time.
    phone = new ScanloginApp({ host: s.url, appId: s.seed.app.id, now: () => clock.now() });
    await phone.login('alice', 'alice-demo-pass');
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await site?.close();
    await s?.close();
  });

  it('code + PKCE: scan the sign-in page, approve on the phone, the RP validates the ID token; userinfo, refresh, logout', async () => {
    const context = await newContext(browser);
    await pauseClock(context, clock);
    const page = await context.newPage();
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const url = client.buildAuthorizationUrl(rp, {
      redirect_uri: `${site.url}/callback`,
      scope: 'openid profile email',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    await page.goto(url.href);
    await page.waitForURL(`${s.url}/oidc/interaction/**`);
    assert.match((await page.locator('h1').textContent()) ?? '', /Sign in to Demo website/);
    // The typed fallback is there too: 8 letters of the RFC 8628 alphabet.
    const short = await eventually(async () => {
      const text = (await page.locator('#short-code').textContent())?.trim() ?? '';
      return /^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/.test(text) ? text : null;
    });
    assert.ok(short);

    // The phone reads the code as its camera would, checks its signature, sees the request, approves.
    const text = await eventually(() => readQrFrom(page.locator('#qrcode')));
    const scanned = await phone.scan(text);
    assert.equal(scanned.context?.app?.name, 'Demo website');
    assert.equal(scanned.context?.origin, new URL(s.url).origin, 'the request came from our sign-in page');
    await phone.confirm(scanned.qr.random);

    await page.waitForURL(`${site.url}/callback?**`);
    const tokens = await client.authorizationCodeGrant(rp, new URL(page.url()), {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
    });
    const claims = tokens.claims()!;
    assert.equal(claims.sub, phone.user?.id);
    assert.deepEqual(claims.amr, ['qr']);
    const info = await client.fetchUserInfo(rp, tokens.access_token, claims.sub);
    assert.equal(info.name, 'Alice');
    const refreshed = await client.refreshTokenGrant(rp, tokens.refresh_token!);
    assert.ok(refreshed.access_token);

    // RP-initiated logout, in the same browser: the provider asks, the user signs out.
    await page.goto(
      client.buildEndSessionUrl(rp, {
        id_token_hint: tokens.id_token!,
        post_logout_redirect_uri: `${site.url}/signed-out`,
      }).href,
    );
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${site.url}/signed-out**`);
    await assert.rejects(client.refreshTokenGrant(rp, refreshed.refresh_token ?? tokens.refresh_token!));
    await context.close();
  });
});

describe('The device grant in Chromium: the companion types the code, openid-client polls', () => {
  const clock = new ManualClock(Date.now());
  let s: TestServer;
  let phoneBrowser: Browser;
  let phoneContext: BrowserContext;
  let phone: Page;
  let device: client.Configuration;

  before(async () => {
    const dist = buildCompanion();
    s = await startTestServer({
      clock,
      env: { DEVICE_POLL_INTERVAL: '1', COMPANION: dist },
    });
    device = await client.discovery(new URL(s.url), s.seed.app.id, s.seed.app.secret, undefined, {
      execute: [client.allowInsecureRequests],
    });
    // The device's clock is the service's: each poll moves it by the interval the device waited.
    device[client.customFetch] = (url, options) => {
      if (String(url).endsWith('/oidc/token')) clock.advance(1000);
      return fetch(url, options as RequestInit);
    };
    phoneBrowser = await launchChromium();
    phoneContext = await newContext(phoneBrowser, {
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    await showServiceTime(phoneContext, clock);
    phone = await phoneContext.newPage();
    await phone.goto(`${s.url}/companion/`);
    const form = phone.locator('#signin-form');
    await form.getByLabel('Account').fill('alice');
    await form.getByLabel('Password').fill('alice-demo-pass');
    await phone.getByRole('button', { name: 'Sign in' }).tap();
    await phone.locator('#home-title').waitFor();
  });
  after(async () => {
    await phoneBrowser?.close();
    await s?.close();
  });

  /** From the start screen: "Enter a code", type it as read off a TV, and see what comes. */
  async function typeCode(userCode: string, expect: string): Promise<void> {
    await phone.goto(`${s.url}/companion/`);
    await phone.getByRole('button', { name: 'Enter a code' }).tap();
    await phone.locator('#code-input').fill(userCode.toLowerCase().replace('-', ' '));
    await phone.getByRole('button', { name: 'Continue' }).tap();
    await phone.locator(expect).waitFor();
  }

  it('approve: the device signs in while it polls', async () => {
    const started = await client.initiateDeviceAuthorization(device, { scope: 'openid profile' });
    const polling = client.pollDeviceAuthorizationGrant(device, started, undefined, {
      signal: new AbortController().signal, // no deadline of its own
    });
    await typeCode(started.user_code, '#screen-device');
    assert.equal((await phone.locator('#device-app').textContent())?.trim(), 'Demo website');
    assert.equal((await phone.locator('#device-user-code').textContent())?.trim(), started.user_code);
    assert.equal(await phone.getByText('(as it reported itself)').isVisible(), true);
    assert.match((await phone.locator('#device-where').textContent()) ?? '', /127\.0\.0\.1/);
    assert.equal(
      await phone.getByText('If you did not just start this on a device of your own, tap Deny.').isVisible(),
      true,
    );
    // Deny exactly as prominent as Approve.
    const [d, a] = [
      await phone.locator('#device-deny').boundingBox(),
      await phone.locator('#device-approve').boundingBox(),
    ];
    assert.ok(d && a);
    assert.deepEqual(
      [Math.round(d.width), Math.round(d.height), Math.round(d.y)],
      [Math.round(a.width), Math.round(a.height), Math.round(a.y)],
    );
    await phone.getByRole('button', { name: 'Approve' }).tap();
    await phone.locator('#result-title').waitFor();
    assert.equal((await phone.locator('#result-title').textContent())?.trim(), 'Device signed in');
    const tokens = await polling;
    assert.equal(tokens.claims()?.aud, s.seed.app.id);
    assert.equal(
      (await client.fetchUserInfo(device, tokens.access_token, tokens.claims()!.sub)).name,
      'Alice',
    );
  });

  it('deny: the device gets access_denied', async () => {
    const d = await deviceAuthorization(s, s.seed.app.id, s.seed.app.secret);
    await typeCode(d.user_code, '#screen-device');
    await phone.getByRole('button', { name: 'Deny' }).tap();
    await phone.locator('#result-title').waitFor();
    assert.equal((await phone.locator('#result-title').textContent())?.trim(), 'Request denied');
    clock.advance(1000);
    assert.equal(
      (await devicePoll(s, s.seed.app.id, s.seed.app.secret, d.device_code)).body.error,
      'access_denied',
    );
  });

  it('expiry: the phone says the code expired, the device gets expired_token', async () => {
    const d = await deviceAuthorization(s, s.seed.app.id, s.seed.app.secret);
    await advance(clock, d.expires_in * 1000 + 1000, phoneContext);
    await typeCode(d.user_code, '#screen-result');
    assert.equal((await phone.locator('#result-title').textContent())?.trim(), 'This code has expired');
    assert.equal(
      (await devicePoll(s, s.seed.app.id, s.seed.app.secret, d.device_code)).body.error,
      'expired_token',
    );
  });
});
