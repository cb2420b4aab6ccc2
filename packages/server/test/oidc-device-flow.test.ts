/**
 * The OAuth 2.0 device authorization grant (RFC 8628), approved on the phone:
 * by typing the device's code in the companion (its HTTP calls here; the
 * companion itself in Chromium is in e2e/), or by scanning the QR code of the
 * verification page. The device is the real `openid-client`, or raw polls
 * where a test needs each answer. Time is a ManualClock: intervals and expiry
 * are moved, never waited for.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as client from 'openid-client';
import { ManualClock } from '../src/domain/clock.js';
import {
  appLogin,
  assertError,
  assertOk,
  call,
  createTenant,
  loginAs,
  startTestServer,
  type TestServer,
} from './helpers.js';
import {
  Browser,
  deviceAuthorization,
  deviceDecision,
  devicePoll,
  qrSignIn,
  relyingParty,
  resolveCode,
} from './support/oidc.js';

const TV =
  'Mozilla/5.0 (SMART-TV; Linux; Tizen 6.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/85.0 TV Safari/537.36';
const GB = '81.2.69.160';
const US = '8.8.8.8';

describe('OAuth device grant (RFC 8628), approved on the phone', () => {
  const clock = new ManualClock(Date.now());
  let s: TestServer;
  let appId: string;
  let secret: string;
  let alice: string;

  before(async () => {
    // Behind a "proxy", so a test can place the device and the phone in different countries.
    s = await startTestServer({ clock, env: { TRUST_PROXY: '1', DEVICE_POLL_INTERVAL: '1' } });
    appId = s.seed.app.id;
    secret = s.seed.app.secret;
    alice = await appLogin(s, 'alice');
  });
  after(() => s?.close());

  const INTERVAL_MS = 1000;

  it('answers the RFC 8628 fields: 8 letters of BCDFGHJKLMNPQRSTVWXZ, verification URIs, interval', async () => {
    const d = await deviceAuthorization(s, appId, secret);
    assert.match(d.user_code, /^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
    assert.equal(d.verification_uri, `${s.url}/oidc/device`);
    assert.equal(d.verification_uri_complete, `${s.url}/oidc/device?user_code=${d.user_code}`);
    assert.equal(d.interval, 1);
    assert.equal(d.expires_in, 600);
    assert.ok(d.device_code.length >= 40, 'the device code is a long secret');
    // Only POST creates requests.
    assert.equal((await fetch(`${s.url}/oidc/device/auth`)).status, 405);
  });

  it('paces polls: authorization_pending at the interval, slow_down (and 5 s more) when too soon', async () => {
    const d = await deviceAuthorization(s, appId, secret);
    const poll = () => devicePoll(s, appId, secret, d.device_code);
    assert.equal((await poll()).body.error, 'authorization_pending');
    const early = await poll();
    assert.equal(early.status, 400);
    assert.equal(early.body.error, 'slow_down');
    // The interval is now 5 s longer, counted from the refused poll: the usual wait is not enough.
    clock.advance(INTERVAL_MS);
    assert.equal((await poll()).body.error, 'slow_down', 'the old interval is no longer enough');
    // Refused again: 10 s more than the announced interval, from this poll on.
    clock.advance(INTERVAL_MS + 10_000 - 1);
    assert.equal((await poll()).body.error, 'slow_down', 'a millisecond short');
    clock.advance(INTERVAL_MS + 15_000);
    assert.equal((await poll()).body.error, 'authorization_pending');
    clock.advance(INTERVAL_MS + 15_000);
    assert.equal((await poll()).body.error, 'authorization_pending');
  });

  /** A device on its own poll schedule: each poll moves the service's clock by the interval first. */
  async function deviceClient(publicClient = false) {
    const tenant = publicClient ? await createTenant(s, { publicClient: true }) : null;
    const id = tenant?.appId ?? appId;
    const config = await relyingParty(s, id, publicClient ? null : secret);
    let interval = INTERVAL_MS;
    config[client.customFetch] = (url, options) => {
      if (String(url).endsWith('/oidc/token')) clock.advance(interval);
      return fetch(url, options as RequestInit);
    };
    return {
      config,
      id,
      tenant,
      slower: () => {
        interval += 5000;
      },
    };
  }

  it('the companion types the code, sees the device, approves: the device signs in (openid-client)', async () => {
    const device = await deviceClient();
    const started = await client.initiateDeviceAuthorization(device.config, { scope: 'openid profile' });
    // The phone: "Enter a code", as the user reads it off the screen.
    const resolved = assertOk(await resolveCode(s, alice, started.user_code.toLowerCase()));
    assert.equal(resolved.kind, 'device');
    assert.equal(resolved.device.userCode, started.user_code);
    assert.equal(resolved.device.app.id, appId);
    assert.deepEqual(resolved.device.scopes, ['openid', 'profile']);
    assert.equal(resolved.device.reportedByDevice, true);
    const polling = client.pollDeviceAuthorizationGrant(device.config, started, undefined, {
      signal: new AbortController().signal, // no deadline of its own
    });
    assertOk(await deviceDecision(s, alice, 'approve', started.user_code));
    const tokens = await polling;
    const claims = tokens.claims()!;
    assert.equal(claims.aud, appId);
    assert.deepEqual(claims.amr, ['qr']);
    const info = await client.fetchUserInfo(device.config, tokens.access_token, claims.sub);
    assert.equal(info.name, 'Alice');
    assert.ok(tokens.refresh_token);
    // One of Alice's web sessions; the audit log has the approval with the device's code.
    const sessions = assertOk(
      await call(s.url, 'GET', '/api/v2/qrcode/web-sessions', {
        headers: { authorization: alice },
        jar: false,
      }),
    );
    assert.ok(sessions.some((w: { app: { id: string } }) => w.app.id === appId));
    const history = assertOk(
      await call(s.url, 'GET', '/api/v2/qrcode/history', { headers: { authorization: alice }, jar: false }),
    );
    assert.equal(history[0].outcome, 'approved');
    assert.equal(history[0].random, `device:${started.user_code}`);
    // Revoking that web session on the phone ends the device's refresh token.
    const ws = sessions.find((w: { app: { id: string } }) => w.app.id === appId);
    assertOk(
      await call(s.url, 'DELETE', `/api/v2/qrcode/web-sessions/${ws.id}`, {
        headers: { authorization: alice },
        jar: false,
      }),
    );
    await assert.rejects(
      client.refreshTokenGrant(device.config, tokens.refresh_token!),
      (err: { error?: string }) => err.error === 'invalid_grant',
    );
    // The code was single use: polling it again is refused.
    const again = await devicePoll(s, appId, secret, started.device_code);
    assert.equal(again.body.error, 'invalid_grant');
  });

  it('a device code redeemed again is refused, and what it got is revoked (a replay)', async () => {
    const d = await deviceAuthorization(s, appId, secret);
    assertOk(await deviceDecision(s, alice, 'approve', d.user_code));
    clock.advance(INTERVAL_MS);
    const first = await devicePoll(s, appId, secret, d.device_code);
    assert.equal(first.status, 200);
    clock.advance(INTERVAL_MS);
    assert.equal((await devicePoll(s, appId, secret, d.device_code)).body.error, 'invalid_grant');
    const info = await fetch(`${s.url}/oidc/me`, {
      headers: { authorization: `Bearer ${first.body.access_token}` },
    });
    assert.equal(info.status, 401);
  });

  it('a public client (a TV without a secret) signs in the same way', async () => {
    const device = await deviceClient(true);
    const started = await client.initiateDeviceAuthorization(device.config, { scope: 'openid' });
    const carol = await loginAs(s, device.id, device.tenant!.username, device.tenant!.password);
    const polling = client.pollDeviceAuthorizationGrant(device.config, started, undefined, {
      signal: new AbortController().signal,
    });
    assertOk(await deviceDecision(s, carol, 'approve', started.user_code));
    assert.equal((await polling).claims()?.sub, device.tenant!.userId);
  });

  it('Deny on the phone ends the polling with access_denied', async () => {
    const d = await deviceAuthorization(s, appId, secret);
    assertOk(await deviceDecision(s, alice, 'deny', d.user_code));
    clock.advance(INTERVAL_MS);
    const r = await devicePoll(s, appId, secret, d.device_code);
    assert.equal(r.body.error, 'access_denied');
    // Decided once: neither approve nor deny again.
    assertError(await deviceDecision(s, alice, 'approve', d.user_code), 'DEVICE_REQUEST_CLOSED');
    assertError(await resolveCode(s, alice, d.user_code), 'DEVICE_REQUEST_CLOSED');
  });

  it('an unanswered request expires on the service clock: expired_token, and the phone is told', async () => {
    const d = await deviceAuthorization(s, appId, secret);
    clock.advance(d.expires_in * 1000 + 1);
    const r = await devicePoll(s, appId, secret, d.device_code);
    assert.equal(r.body.error, 'expired_token');
    assertError(await resolveCode(s, alice, d.user_code), 'USER_CODE_EXPIRED');
    assertError(await deviceDecision(s, alice, 'approve', d.user_code), 'USER_CODE_EXPIRED');
  });

  it('shows the device as it reported itself and where it asked from; the pool’s proximity policy applies', async () => {
    for (const policy of ['warn', 'deny', 'step-up'] as const) {
      const tenant = await createTenant(s, {}, undefined, { proximityPolicy: policy });
      const token = await loginAs(s, tenant.appId, tenant.username, tenant.password);
      const d = await deviceAuthorization(s, tenant.appId, tenant.appSecret, {
        userAgent: TV,
        forwardedFor: GB,
      });
      const phone = { 'x-forwarded-for': US };
      const seen = assertOk(await resolveCode(s, token, d.user_code, phone)).device;
      assert.equal(seen.ip, GB);
      assert.equal(seen.place, 'United Kingdom');
      assert.equal(seen.os, 'Linux');
      assert.match(seen.browser, /^Chrome/);
      assert.deepEqual(
        { mismatch: seen.proximity.mismatch, policy: seen.proximity.policy, stepUp: seen.stepUpRequired },
        { mismatch: true, policy, stepUp: policy === 'step-up' },
      );
      if (policy === 'warn') {
        assertOk(await deviceDecision(s, token, 'approve', d.user_code, {}, phone));
      } else if (policy === 'deny') {
        assertError(await deviceDecision(s, token, 'approve', d.user_code, {}, phone), 'PROXIMITY_DENIED');
        clock.advance(INTERVAL_MS);
        assert.equal(
          (await devicePoll(s, tenant.appId, tenant.appSecret, d.device_code)).body.error,
          'access_denied',
        );
      } else {
        assertError(await deviceDecision(s, token, 'approve', d.user_code, {}, phone), 'STEP_UP_REQUIRED');
        assertError(
          await deviceDecision(s, token, 'approve', d.user_code, { password: 'wrong' }, phone),
          'STEP_UP_FAILED',
        );
        assertOk(
          await deviceDecision(s, token, 'approve', d.user_code, { password: tenant.password }, phone),
        );
      }
    }
  });

  it('a user of another pool cannot approve the device', async () => {
    const d = await deviceAuthorization(s, appId, secret);
    const tenant = await createTenant(s);
    const carol = await loginAs(s, tenant.appId, tenant.username, tenant.password);
    assertError(await resolveCode(s, carol, d.user_code), 'QR_OTHER_POOL');
    assertError(await deviceDecision(s, carol, 'approve', d.user_code), 'QR_OTHER_POOL');
  });

  it('throttles wrong codes per user: after 10 even the right code waits, until the window ends', async () => {
    const tenant = await createTenant(s);
    const token = await loginAs(s, tenant.appId, tenant.username, tenant.password);
    const d = await deviceAuthorization(s, tenant.appId, tenant.appSecret);
    const wrong = d.user_code.startsWith('B') ? 'CCCC-CCCC' : 'BBBB-BBBB';
    for (let i = 0; i < 10; i++) assertError(await resolveCode(s, token, wrong), 'USER_CODE_NOT_FOUND');
    const blocked = await resolveCode(s, token, d.user_code);
    assertError(blocked, 'TOO_MANY_LOGIN_ATTEMPTS');
    assert.ok(Number(blocked.headers.get('retry-after')) > 0);
    // The throttle is per user (and per address, with a higher limit): Alice is not affected.
    assertError(await resolveCode(s, alice, wrong), 'USER_CODE_NOT_FOUND');
    clock.advance(15 * 60_000);
    const d2 = await deviceAuthorization(s, tenant.appId, tenant.appSecret);
    assert.equal(assertOk(await resolveCode(s, token, d2.user_code)).kind, 'device');
  });

  it('the verification page: type (or follow) the code, confirm, scan the page’s QR code; the device signs in', async () => {
    const d = await deviceAuthorization(s, appId, secret, { userAgent: TV });
    const browser = new Browser();
    // verification_uri_complete answers a form that posts the code (with the page's xsrf token) by itself.
    const landing = await browser.request(d.verification_uri_complete);
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(landing.body)?.[1];
    assert.ok(xsrf, 'the self-posting form');
    const form = (extra: Record<string, string>) =>
      browser.request(`${s.url}/oidc/device`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: new URL(s.url).origin },
        body: new URLSearchParams({ xsrf: xsrf!, user_code: d.user_code, ...extra }),
      });
    const confirm = await form({});
    assert.equal(confirm.status, 200);
    assert.match(confirm.body, /Demo website/);
    assert.match(confirm.body, /as it reported itself/);
    assert.match(confirm.body, /Chrome 85 on Linux/);
    assert.match(confirm.body, /Abort/);
    const confirmXsrf = /name="xsrf" value="([^"]+)"/.exec(confirm.body)?.[1] ?? xsrf!;
    const go = await browser.request(`${s.url}/oidc/device`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: new URL(s.url).origin },
      body: new URLSearchParams({ xsrf: confirmXsrf, user_code: d.user_code, confirm: 'yes' }),
    });
    const page = await browser.follow(go.location!, s.url);
    assert.match(page.body, /Sign in to/);
    const { redirectTo } = await qrSignIn(s, browser, page.url, appId, alice);
    const done = await browser.follow(redirectTo, s.url);
    assert.match(done.body, /Device signed in/);
    clock.advance(INTERVAL_MS);
    const r = await devicePoll(s, appId, secret, d.device_code);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.ok(r.body.id_token);
  });

  it('the verification page takes 20 codes a minute from one address', async () => {
    const browser = new Browser();
    const landing = await browser.request(`${s.url}/oidc/device`);
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(landing.body)?.[1] ?? '';
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) {
      const r = await browser.request(`${s.url}/oidc/device`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': '203.0.113.9' },
        body: new URLSearchParams({ xsrf, user_code: 'BCDF-GHJK' }),
      });
      statuses.push(r.status);
    }
    assert.ok(statuses.slice(0, 20).every((st) => st !== 429));
    assert.equal(statuses[20], 429);
  });
});
