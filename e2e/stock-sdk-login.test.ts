/**
 * Issue 17, part 1, in a browser: the real authing-js-sdk@4.23.55 browser
 * bundle, unchanged, on a page of another origin than our API, logs a user
 * in with its own methods (loginByUsername, loginByEmail; POST /graphql/v2
 * with the password RSA-encrypted by the bundle's JSEncrypt), and signs out
 * with its own logout() (GET /api/v2/logout, credentialed CORS). Right and
 * wrong passwords, a blocked user and a burst against the login throttle,
 * each failure reaching the page as the SDK's thrown `{code, message}`.
 *
 * Every SDK call is awaited inside the page (page.evaluate returns when its
 * promise settles); the service's clock is a ManualClock, so the throttle's
 * window is passed by advancing it, never by waiting.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import { ErrorCodes, type ErrorName } from '@scanlogin/protocol';
import type { Browser, Page } from 'playwright-core';
import { ManualClock } from '../packages/server/src/domain/clock.js';
import { DEFAULT_LOGIN_THROTTLE } from '../packages/server/src/domain/directory/service.js';
import {
  admin,
  appAction,
  assertError,
  assertOk,
  call,
  generateFor,
  jwtClaims,
  startTestServer,
  type TestServer,
} from '../packages/server/test/helpers.js';
import { launchChromium, newContext, type StaticSite, serveStatic } from './support.js';

const require = createRequire(import.meta.url);
const bundle = readFileSync(require.resolve('authing-js-sdk/build/browser/index.min.js'));

/** What one SDK call in the page came to: the user it returned, or what it threw. */
type Outcome = { user: Record<string, string | null> } | { error: { code: unknown; message: unknown } };

describe('stock authing-js-sdk in Chromium: its own password login and logout', () => {
  const clock = new ManualClock();
  let s: TestServer;
  let site: StaticSite;
  let browser: Browser;
  let page: Page;
  let appId: string;

  before(async () => {
    s = await startTestServer({ clock });
    site = await serveStatic({
      '/authing.js': { type: 'text/javascript', body: bundle },
      '/': {
        type: 'text/html',
        body: `<!doctype html><meta charset="utf-8">
<script src="/authing.js"></script>
<script>
  const q = new URLSearchParams(location.search);
  window.client = new Authing.AuthenticationClient({ appId: q.get('appId'), appHost: q.get('host') });
  // One SDK call, settled into a value the test reads (the SDK throws plain objects).
  window.run = async (method, ...args) => {
    try {
      const u = await window.client[method](...args);
      return { user: { id: u.id, username: u.username, email: u.email, token: u.token, tokenExpiredAt: u.tokenExpiredAt } };
    } catch (e) {
      return { error: { code: e && e.code, message: e && e.message } };
    }
  };
</script>`,
      },
    });
    const created = await admin(s, 'POST', '/api/admin/apps', {
      userPoolId: s.seed.pool.id,
      name: 'Stock SDK login site',
      allowedOrigins: [site.url],
    });
    appId = assertOk(created, 201).id;
    browser = await launchChromium();
    page = await (await newContext(browser)).newPage();
    await page.goto(`${site.url}/?appId=${appId}&host=${encodeURIComponent(s.url)}`);
  });
  after(async () => {
    await browser?.close();
    await site?.close();
    await s?.close();
  });

  const run = (method: string, ...args: unknown[]): Promise<Outcome> =>
    page.evaluate(
      ([m, a]) =>
        (window as unknown as { run: (m: string, ...a: unknown[]) => Promise<Outcome> }).run(
          m as string,
          ...(a as unknown[]),
        ),
      [method, args] as const,
    );
  const userOf = (o: Outcome) => {
    assert.ok('user' in o, JSON.stringify(o));
    return o.user;
  };
  const assertRefused = (o: Outcome, name: ErrorName) => {
    assert.ok('error' in o, JSON.stringify(o));
    assert.equal(o.error.code, ErrorCodes[name].code, JSON.stringify(o));
    assert.equal(typeof o.error.message, 'string');
  };
  const active = async (token: string) =>
    assertOk(await call(s.url, 'POST', '/api/v2/token/validate', { body: { token } })).active as boolean;

  it('loginByUsername and loginByEmail return the user with an app token our app calls accept', async () => {
    const byName = userOf(await run('loginByUsername', 'alice', 'alice-demo-pass'));
    assert.equal(byName.username, 'alice');
    const claims = jwtClaims(byName.token!);
    assert.equal(claims.token_use, 'app');
    assert.equal(claims.aud, appId);
    const { random } = await generateFor(s, s.seed.app.id);
    assertOk(await appAction(s, 'scanned', random, byName.token!));

    const byEmail = userOf(await run('loginByEmail', 'alice@example.com', 'alice-demo-pass'));
    assert.equal(byEmail.id, byName.id);
    assert.notEqual(jwtClaims(byEmail.token!).sid, claims.sid, 'each login is a session of its own');
    assert.equal(await active(byEmail.token!), true);

    // The SDK's own logout() ends the session of the token it holds (the last login's), at once.
    await page.evaluate(() => (window as unknown as { client: { logout(): Promise<void> } }).client.logout());
    assert.equal(await active(byEmail.token!), false);
    assertError(await appAction(s, 'scanned', random, byEmail.token!), 'INVALID_TOKEN');
    assert.equal(await active(byName.token!), true, 'the other session goes on');
    assertOk(await call(s.url, 'POST', '/api/v2/logout', { headers: { authorization: byName.token! } }));
  });

  it('a wrong password and a blocked user are refused with our codes', async () => {
    assertRefused(await run('loginByUsername', 'alice', 'not-her-password'), 'WRONG_CREDENTIALS');
    assertRefused(await run('loginByEmail', 'alice@example.com', 'not-her-password'), 'WRONG_CREDENTIALS');
    const bobId = s.seed.users.find((u) => u.username === 'bob')!.id;
    assertOk(await admin(s, 'PATCH', `/api/admin/users/${bobId}`, { blocked: true }));
    assertRefused(await run('loginByUsername', 'bob', 'bob-demo-pass'), 'USER_BLOCKED');
    assertOk(await admin(s, 'PATCH', `/api/admin/users/${bobId}`, { blocked: false }));
    assert.equal(userOf(await run('loginByUsername', 'bob', 'bob-demo-pass')).username, 'bob');
  });

  it('a burst of wrong passwords from the page meets the throttle; the right one waits for its window', async () => {
    const BURST = 20;
    const outcomes = await page.evaluate(
      (n) =>
        Promise.all(
          Array.from({ length: n }, (_, i) =>
            (window as unknown as { run: (m: string, ...a: unknown[]) => Promise<Outcome> }).run(
              'loginByUsername',
              'bob',
              `wrong-${i}`,
            ),
          ),
        ),
      BURST,
    );
    const codes = outcomes.map((o) => ('error' in o ? o.error.code : 'logged in'));
    const wrong = codes.filter((c) => c === ErrorCodes.WRONG_CREDENTIALS.code).length;
    const throttled = codes.filter((c) => c === ErrorCodes.TOO_MANY_LOGIN_ATTEMPTS.code).length;
    assert.equal(wrong + throttled, BURST, codes.join(', '));
    assert.ok(wrong <= DEFAULT_LOGIN_THROTTLE.accountFailures, `${wrong} passwords were evaluated`);
    assertRefused(await run('loginByUsername', 'bob', 'bob-demo-pass'), 'TOO_MANY_LOGIN_ATTEMPTS');
    clock.advance(DEFAULT_LOGIN_THROTTLE.windowMs);
    assert.equal(userOf(await run('loginByUsername', 'bob', 'bob-demo-pass')).username, 'bob');
  });
});
