/**
 * Issue 17, section 2: the QR login's remaining fields, over HTTP on the
 * embedded service (a frozen clock; nothing waits for time to pass).
 *
 * - `customData` (`params`) comes back with the user when the page asked with
 *   `withCustomData`: in `check` at status 2, beside the ticket and only where
 *   the ticket is shown, and in the `userinfo` exchange.
 * - `context` is kept with the code and shown to the scanner as the page's own
 *   words (`pageContext`), bounded and visible, never in the place of a fact.
 * - `autoMergeQrCode` and `extIdpConnId` are accepted and change nothing.
 * - Status 5: a code whose application, pool or scanner goes away stops, and
 *   every way of waiting (poll, long-poll, event stream) is told why, in
 *   `scannedResult.errmsg` where authing-js-sdk reads it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ErrorCodes, QrStatus } from '@scanlogin/protocol';
import { loadConfig } from '../src/config/load.js';
import { ManualClock } from '../src/domain/clock.js';
import { createRuntime } from '../src/runtime.js';
import { composeStorage } from '../src/storage/compose.js';
import { embeddedHotStores } from '../src/storage/embedded.js';
import { SqliteStorage } from '../src/storage/sqlite/index.js';
import {
  admin,
  appAction,
  assertError,
  assertOk,
  basic,
  CookieJar,
  call,
  check,
  createTenant,
  type Json,
  jwtClaims,
  loginAs,
  startTestServer,
  type Tenant,
  type TestServer,
  verifyQrSignature,
  whenWaiting,
} from './helpers.js';
import { openSse } from './support/sse.js';

const stopReport = (name: 'APP_NOT_FOUND' | 'POOL_NOT_FOUND' | 'QR_SCANNER_UNAVAILABLE') => {
  const { code, message } = ErrorCodes[name];
  return { code, message, errmsg: { code, message } };
};

describe('the QR login fields of issue 17', () => {
  const clock = new ManualClock();
  let s: TestServer;
  let t: Tenant;
  let token: string;
  /** Each test's page is a browser of its own: its binding cookies in its own jar. */
  let page: CookieJar;

  before(async () => {
    // Behind a "proxy", so a test can place the page and the phone in different countries.
    s = await startTestServer({ clock, env: { TRUST_PROXY: '1' } });
    t = await createTenant(s, { allowExchangeUserInfoFromBrowser: false });
    token = await loginAs(s, t.appId, t.username, t.password);
  });
  after(() => s.close());

  const gene = (body: Record<string, unknown>, appId = t.appId) => {
    page = new CookieJar();
    return call(s.url, 'POST', '/api/v2/qrcode/gene', {
      body: { autoMergeQrCode: false, scene: 'APP_AUTH', ...body },
      headers: { 'x-authing-app-id': appId },
      jar: page,
    });
  };
  const pageCheck = (random: string, jar: CookieJar | false = page) =>
    call(s.url, 'GET', `/api/v2/qrcode/check?random=${random}`, { jar });
  const approve = async (random: string, as = token) => {
    assertOk(await appAction(s, 'scanned', random, as));
    assertOk(await appAction(s, 'confirm', random, as));
  };
  /** The service's own verdict on a token: signature, issuer, expiry, session; its claims. */
  const validate = async (token: string) =>
    assertOk(await call(s.url, 'POST', '/api/v2/token/validate', { body: { token }, jar: false }));
  /** `token` with its payload part replaced by `claims` and its signature kept. */
  const withClaims = (token: string, claims: Json) => {
    const [header, , signature] = token.split('.');
    return `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
  };
  const redeem = (ticket: string, appId = t.appId, secret = t.appSecret) =>
    call(s.url, 'POST', '/api/v2/qrcode/userinfo', {
      body: { ticket },
      headers: { authorization: basic(appId, secret) },
      jar: false,
    });

  describe('customData comes back where Authing returns it', () => {
    test('withCustomData: in check at status 2 beside the ticket, and in the exchange; signed in the code', async () => {
      const code = assertOk(await gene({ params: { cart: 'c-42', n: [1, 2] }, withCustomData: true }));
      const payload = JSON.parse(code.payload);
      assert.deepEqual(payload.customData, { cart: 'c-42', n: [1, 2] });
      await verifyQrSignature(s, code.payload);

      assertOk(await appAction(s, 'scanned', code.random, token));
      const scanned = assertOk(await pageCheck(code.random));
      assert.deepEqual(Object.keys(scanned.userInfo).sort(), ['nickname', 'photo'], 'not before approval');
      assertOk(await appAction(s, 'confirm', code.random, token));

      const approved = assertOk(await pageCheck(code.random));
      assert.equal(approved.status, QrStatus.Authorized);
      assert.equal(typeof approved.ticket, 'string');
      assert.deepEqual(approved.userInfo, {
        nickname: t.username,
        photo: null,
        customData: { cart: 'c-42', n: [1, 2] },
      });

      const user = assertOk(await redeem(approved.ticket));
      assert.equal(user.username, t.username);
      assert.deepEqual(user.customData, { cart: 'c-42', n: [1, 2] });
      assert.equal(typeof user.token, 'string');

      // Inside the website token too, under its signature: a backend handed the token (and a user
      // object the browser may have edited) trusts the claim, which nobody can change.
      const claims = await validate(user.token);
      assert.equal(claims.active, true);
      assert.deepEqual(claims.custom_data, { cart: 'c-42', n: [1, 2] });
      assert.deepEqual(jwtClaims(user.token).custom_data, { cart: 'c-42', n: [1, 2] });
      const forged = withClaims(user.token, { ...jwtClaims(user.token), custom_data: { cart: 'c-1' } });
      assert.deepEqual(await validate(forged), { active: false });

      // Once redeemed, neither the ticket nor the custom data is shown again.
      const spent = assertOk(await pageCheck(code.random));
      assert.equal(spent.ticket, null);
      assert.deepEqual(Object.keys(spent.userInfo).sort(), ['nickname', 'photo']);
    });

    test('customData (our name) wins over params; without withCustomData it does not come back', async () => {
      const code = assertOk(await gene({ params: { from: 'params' }, customData: { from: 'customData' } }));
      assert.deepEqual(JSON.parse(code.payload).customData, { from: 'customData' });
      await approve(code.random);
      const approved = assertOk(await pageCheck(code.random));
      assert.deepEqual(Object.keys(approved.userInfo).sort(), ['nickname', 'photo']);
      const user = assertOk(await redeem(approved.ticket));
      assert.deepEqual(user.customData, {}, "only the user's own stored data");
      assert.equal('custom_data' in jwtClaims(user.token), false, 'nor in the token');
    });

    test('never to a reader without the binding, which gets no ticket either', async () => {
      const code = assertOk(await gene({ params: { secret: 'for the page only' }, withCustomData: true }));
      await approve(code.random);
      for (const stranger of [false, new CookieJar()] as const) {
        const seen = assertOk(await pageCheck(code.random, stranger));
        assert.equal(seen.status, QrStatus.Authorized);
        assert.equal(seen.ticket, null);
        assert.deepEqual(Object.keys(seen.userInfo).sort(), ['nickname', 'photo']);
        assert.doesNotMatch(JSON.stringify(seen), /for the page only/);
      }
      // The event stream and the long-poll follow the same rule.
      const stream = await openSse(`${s.url}/api/v2/qrcode/events?random=${code.random}`);
      const frame = await stream.next();
      await stream.close();
      assert.equal(frame?.data.status, QrStatus.Authorized);
      assert.equal(frame?.data.ticket, null);
      assert.doesNotMatch(JSON.stringify(frame?.data), /for the page only/);
      const bound = assertOk(
        await call(s.url, 'GET', `/api/v2/qrcode/check?random=${code.random}&wait=1&seq=0`, { jar: page }),
      );
      assert.deepEqual(bound.userInfo.customData, { secret: 'for the page only' });
    });

    test('merged into the full user, whose stored custom data wins on a shared key (returnFullUserInfo)', async () => {
      const full = await createTenant(s, { returnFullUserInfo: true });
      assertOk(
        await admin(s, 'PATCH', `/api/admin/users/${full.userId}`, {
          customData: { role: 'member', tier: 'gold' },
        }),
      );
      const fullToken = await loginAs(s, full.appId, full.username, full.password);
      const code = assertOk(
        await gene({ params: { role: 'admin', cart: 'c-7' }, withCustomData: true }, full.appId),
      );
      await approve(code.random, fullToken);
      const approved = assertOk(await pageCheck(code.random));
      assert.equal(approved.userInfo.username, full.username);
      assert.equal(typeof approved.userInfo.token, 'string');
      assert.deepEqual(approved.userInfo.customData, { role: 'member', tier: 'gold', cart: 'c-7' });
      const stranger = assertOk(await pageCheck(code.random, false));
      assert.deepEqual(Object.keys(stranger.userInfo).sort(), ['nickname', 'photo']);
      const user = assertOk(await redeem(approved.ticket, full.appId, full.appSecret));
      assert.deepEqual(user.customData, { role: 'member', tier: 'gold', cart: 'c-7' });
      // The tokens carry the page's data alone, as the code did (never merged with the user's).
      for (const token of [approved.userInfo.token, user.token]) {
        assert.deepEqual((await validate(token)).custom_data, { role: 'admin', cart: 'c-7' });
      }
      // The page's input is never written into the user.
      const stored = assertOk(await admin(s, 'GET', `/api/admin/users/${full.userId}`));
      assert.deepEqual(stored.customData, { role: 'member', tier: 'gold' });
    });
  });

  describe("context: the page's own words on the confirm screen", () => {
    const contextOf = (random: string, as = token) =>
      call(s.url, 'GET', `/api/v2/qrcode/context?random=${random}`, { headers: { authorization: as } });

    test('kept with the code and shown apart, as text; it never takes the place of a fact', async () => {
      const plain = assertOk(await gene({}));
      assertOk(await appAction(s, 'scanned', plain.random, token));
      const facts = assertOk(await contextOf(plain.random));
      assert.equal(facts.pageContext, null, 'no context, nothing shown');

      // A page that claims to be another site, with another address and name.
      const claims = {
        origin: 'https://bank.example',
        app: { name: 'Your Bank', id: t.appId },
        ip: '10.0.0.1',
        reportedByBrowser: false,
        campaign: 'spring',
      };
      const code = assertOk(await gene({ context: claims }));
      assertOk(await appAction(s, 'scanned', code.random, token));
      const seen = assertOk(await contextOf(code.random));
      const { pageContext, random, createdAt, expiresAt, ...rest } = seen;
      const { pageContext: _none, random: _r, createdAt: _c, expiresAt: _e, ...plainRest } = facts;
      assert.deepEqual(rest, plainRest, 'every fact is what the service saw, whatever the page says');
      assert.equal(seen.app.name, `app of ${t.username}`);
      assert.deepEqual(pageContext, {
        entries: [
          { key: 'origin', value: 'https://bank.example' },
          { key: 'app', value: JSON.stringify(claims.app) },
          { key: 'ip', value: '10.0.0.1' },
          { key: 'reportedByBrowser', value: 'false' },
          { key: 'campaign', value: 'spring' },
        ],
        omitted: 0,
      });
      // Only the scanner reads it, as before.
      const other = await createTenant(s, {}, undefined);
      assertError(
        await contextOf(code.random, await loginAs(s, other.appId, other.username, other.password)),
        'QR_OTHER_POOL',
      );
    });

    test('hostile context: hidden characters escaped, long values cut, members capped', async () => {
      const members: Record<string, unknown> = {
        'evil\u202ekey': 'a\u0001b\u200bc\u2066d',
        long: 'x'.repeat(250),
        emoji: '😀'.repeat(101),
        html: '<img src=x onerror=alert(1)>',
      };
      for (let i = 0; i < 20; i++) members[`k${i}`] = i;
      assert.ok(Buffer.byteLength(JSON.stringify(members)) <= 1024, 'within the bound for a context');
      const code = assertOk(await gene({ context: members }));
      assertOk(await appAction(s, 'scanned', code.random, token));
      const { pageContext } = assertOk(await contextOf(code.random));
      assert.equal(pageContext.entries.length, 16);
      assert.equal(pageContext.omitted, 8);
      const [evil, long, emoji, html] = pageContext.entries;
      assert.deepEqual(evil, { key: 'evil\\u{202E}key', value: 'a\\u{0001}b\\u{200B}c\\u{2066}d' });
      assert.equal(long.value.length, 200);
      assert.ok(long.value.endsWith('…'));
      assert.ok(emoji.value.length <= 200 && emoji.value.endsWith('…'));
      assert.doesNotMatch(emoji.value, /[\ud800-\udbff](?![\udc00-\udfff])/, 'no pair is cut in half');
      assert.equal(html.value, '<img src=x onerror=alert(1)>', 'text, as it was sent (the app shows text)');
    });

    test('bad context and customData: the error envelope with 400, never a 500', async () => {
      const big = { blob: 'y'.repeat(1100) };
      const cases: [string, Record<string, unknown>][] = [
        ['context over 1024 bytes', { context: big }],
        ['customData over 512 bytes', { customData: { blob: 'y'.repeat(600) } }],
        ['params over 512 bytes', { params: { blob: 'y'.repeat(600) } }],
        ['context not an object', { context: 'a string' }],
        ['context an array', { context: [1, 2] }],
        ['customData a number', { customData: 5 }],
        ['withCustomData not a boolean', { withCustomData: 'yes' }],
        ['autoMergeQrCode not a boolean', { autoMergeQrCode: 'no' }],
        ['extIdpConnId not a string', { extIdpConnId: 42 }],
        ['extIdpConnId too long', { extIdpConnId: 'z'.repeat(129) }],
        ['a lone surrogate in context', { context: { k: '\ud800' } }],
        ['a NUL key in context', { context: { 'a\u0000b': 1 } }],
      ];
      for (const [what, body] of cases) {
        const r = await gene(body);
        assert.equal(r.status, 400, what);
        assertError(r, 'INVALID_REQUEST');
      }
      // Nesting is data like any other, within the service's depth limit for every body.
      const nested = (levels: number) => {
        let deep: Json = 'bottom';
        for (let i = 0; i < levels; i++) deep = { d: deep };
        return deep;
      };
      assert.equal((await gene({ context: { deep: nested(40) } })).status, 200);
      assertError(await gene({ context: { deep: nested(100) } }), 'INVALID_REQUEST');
      // A prototype key is refused before anything sees it.
      const proto = await call(s.url, 'POST', '/api/v2/qrcode/gene', {
        raw: '{"context":{"__proto__":{"polluted":true}}}',
        headers: { 'content-type': 'application/json', 'x-authing-app-id': t.appId },
        jar: false,
      });
      assert.equal(proto.status, 400);
      assert.equal(({} as Json).polluted, undefined);
    });

    test('autoMergeQrCode and extIdpConnId are accepted and change nothing', async () => {
      const code = assertOk(await gene({ autoMergeQrCode: true, extIdpConnId: 'conn-1', context: null }));
      const payload = JSON.parse(code.payload);
      assert.deepEqual(Object.keys(payload), [
        'scene',
        'random',
        'userPoolId',
        'createdAt',
        'expireAt',
        'customData',
        'sig',
      ]);
      assert.equal('customLogo' in code, false);
      await approve(code.random);
      assert.equal(assertOk(await pageCheck(code.random)).status, QrStatus.Authorized);
    });
  });

  describe('status 5: a login that cannot go on stops, and the page is told', () => {
    test('the application is deleted: waiting code, long-poll and event stream all end at 5 with errmsg', async () => {
      const doomed = await createTenant(s);
      const waiting = assertOk(await gene({}, doomed.appId));
      const scanned = assertOk(await gene({}, doomed.appId));
      const doomedToken = await loginAs(s, doomed.appId, doomed.username, doomed.password);
      assertOk(await appAction(s, 'scanned', scanned.random, doomedToken));
      const approvedCode = assertOk(await gene({}, doomed.appId));
      await approve(approvedCode.random, doomedToken);

      const stream = await openSse(`${s.url}/api/v2/qrcode/events?random=${scanned.random}`);
      assert.equal((await stream.next())?.data.status, QrStatus.Scanned);
      const polled = whenWaiting(s, waiting.random);
      const longPoll = call(s.url, 'GET', `/api/v2/qrcode/check?random=${waiting.random}&wait=25&seq=0`, {
        jar: false,
      });
      await polled;

      assertOk(await admin(s, 'DELETE', `/api/admin/apps/${doomed.appId}`));

      const woke = assertOk(await longPoll);
      assert.equal(woke.status, QrStatus.Error);
      assert.deepEqual(woke.scannedResult, stopReport('APP_NOT_FOUND'));
      assert.equal(woke.ticket, null);
      assert.equal(woke.userInfo, null);
      const frame = await stream.next();
      assert.equal(frame?.data.status, QrStatus.Error);
      assert.deepEqual(frame?.data.scannedResult, stopReport('APP_NOT_FOUND'));
      assert.equal(await stream.next(), null, 'the stream ends after a final status');
      await stream.close();
      const polledAgain = assertOk(await check(s, scanned.random));
      assert.equal(polledAgain.status, QrStatus.Error);

      // An approved code stays approved (a terminal state never changes).
      assert.equal(assertOk(await check(s, approvedCode.random)).status, QrStatus.Authorized);
      // The phone is told why.
      assertError(await appAction(s, 'confirm', scanned.random, doomedToken), 'APP_NOT_FOUND');
      // And time does not turn it into an expiry.
      clock.advance(600_000);
      assert.equal(assertOk(await check(s, waiting.random)).status, QrStatus.Error);
    });

    test('the scanner is blocked between scan and confirm: 5 with 2260; unblocking does not revive it', async () => {
      const u = await createTenant(s);
      const userToken = await loginAs(s, u.appId, u.username, u.password);
      const code = assertOk(await gene({}, u.appId));
      const untouched = assertOk(await gene({}, u.appId));
      assertOk(await appAction(s, 'scanned', code.random, userToken));
      assert.equal(assertOk(await pageCheck(code.random)).status, QrStatus.Scanned);

      assertOk(await admin(s, 'PATCH', `/api/admin/users/${u.userId}`, { blocked: true }));
      const stopped = assertOk(await pageCheck(code.random));
      assert.equal(stopped.status, QrStatus.Error);
      assert.deepEqual(stopped.scannedResult, stopReport('QR_SCANNER_UNAVAILABLE'));
      assert.equal(stopped.userInfo, null, "the scanner's name is no longer shown");
      assert.equal(
        assertOk(await check(s, untouched.random)).status,
        QrStatus.Pending,
        'unscanned codes go on',
      );
      assertError(await appAction(s, 'confirm', code.random, userToken), 'USER_BLOCKED');

      assertOk(await admin(s, 'PATCH', `/api/admin/users/${u.userId}`, { blocked: false }));
      assertError(await appAction(s, 'confirm', code.random, userToken), 'QR_SCANNER_UNAVAILABLE');
      assert.equal(assertOk(await check(s, code.random)).status, QrStatus.Error);
    });

    test('the scanner is deleted while in step-up: 5 as well', async () => {
      const far = await createTenant(s, {}, undefined, { proximityPolicy: 'step-up' });
      const farToken = await loginAs(s, far.appId, far.username, far.password);
      // The page appears to be in the United Kingdom, the phone in the United States.
      const { random } = assertOk(
        await call(s.url, 'POST', '/api/v2/qrcode/gene', {
          body: {},
          headers: { 'x-authing-app-id': far.appId, 'x-forwarded-for': '81.2.69.160' },
          jar: false,
        }),
      );
      const scanned = assertOk(
        await appAction(s, 'scanned', random, farToken, { headers: { 'x-forwarded-for': '8.8.8.8' } }),
      );
      assert.equal(scanned.status, QrStatus.StepUp);
      assertOk(await admin(s, 'DELETE', `/api/admin/users/${far.userId}`));
      for (const query of ['', '&stepUp=1']) {
        const seen = assertOk(await call(s.url, 'GET', `/api/v2/qrcode/check?random=${random}${query}`));
        assert.equal(seen.status, QrStatus.Error);
        assert.deepEqual(seen.scannedResult, stopReport('QR_SCANNER_UNAVAILABLE'));
      }
    });

    test('noticed at the next read too: an app gone behind the service’s back', async () => {
      const gone = await createTenant(s);
      const goneToken = await loginAs(s, gone.appId, gone.username, gone.password);
      const a = assertOk(await gene({}, gone.appId));
      const b = assertOk(await gene({}, gone.appId));
      const c = assertOk(await gene({}, gone.appId));
      assertOk(await appAction(s, 'scanned', b.random, goneToken));
      // Straight in storage: no listener hears of it (as with a change another instance made).
      assert.equal(await s.services.storage.directory.deleteApp(gone.appId), true);
      clock.advance(6_000); // past the directory's short cache
      const first = assertOk(await check(s, b.random));
      assert.equal(first.status, QrStatus.Error);
      assert.deepEqual(first.scannedResult, stopReport('APP_NOT_FOUND'));
      assertError(await appAction(s, 'confirm', b.random, goneToken), 'APP_NOT_FOUND');
      // A code nothing happened to is answered from memory in the embedded mode (no read); the
      // phone's scan reads it, stops it and says why; the page sees 5 from then on.
      assertError(await appAction(s, 'scanned', a.random, goneToken), 'APP_NOT_FOUND');
      assert.equal(assertOk(await check(s, a.random)).status, QrStatus.Error);
      // The stop is a change like any other: a long-poll that waits on it wakes.
      const woke = call(s.url, 'GET', `/api/v2/qrcode/check?random=${c.random}&wait=25&seq=0`, {
        jar: false,
      });
      assertError(await appAction(s, 'scanned', c.random, goneToken), 'APP_NOT_FOUND');
      assert.equal(assertOk(await woke).status, QrStatus.Error);
    });

    test("the page's origin may still read the reason once its app, and the app's CORS permission, are gone", async () => {
      const site = 'https://shop.example';
      const gone = await createTenant(s);
      assertOk(await admin(s, 'PATCH', `/api/admin/apps/${gone.appId}`, { allowedOrigins: [site] }));
      const fromSite = { origin: site, 'x-authing-app-id': gone.appId };
      const code = assertOk(
        await call(s.url, 'POST', '/api/v2/qrcode/gene', { body: {}, headers: fromSite, jar: false }),
      );
      const live = assertOk(
        await call(s.url, 'POST', '/api/v2/qrcode/gene', { body: {}, headers: fromSite, jar: false }),
      );
      const readAs = (random: string, origin: string, path = 'check') =>
        call(s.url, 'GET', `/api/v2/qrcode/${path}?random=${random}`, {
          headers: { origin, 'x-authing-app-id': gone.appId },
          jar: false,
        });
      assert.equal((await readAs(code.random, site)).headers.get('access-control-allow-origin'), site);

      assertOk(await admin(s, 'DELETE', `/api/admin/apps/${gone.appId}`));
      const told = await readAs(code.random, site);
      assert.equal(told.headers.get('access-control-allow-origin'), site);
      assert.equal(told.headers.get('access-control-allow-credentials'), 'true');
      assert.deepEqual(assertOk(told).scannedResult, stopReport('APP_NOT_FOUND'));
      // Another origin is told nothing it may read, for this code or any other.
      assert.equal(
        (await readAs(code.random, 'https://evil.example')).headers.get('access-control-allow-origin'),
        null,
      );
      // Only a stopped code: once the app is gone every open code of it is stopped; a code of a
      // live app keeps the ordinary rule (its app's own origins).
      assert.equal(assertOk(await readAs(live.random, site)).status, QrStatus.Error);
      const other = assertOk(await gene({}));
      assert.equal((await readAs(other.random, site)).headers.get('access-control-allow-origin'), null);
    });

    test('a code asked for while its app is being deleted is stopped, never left waiting', async () => {
      const racing = await createTenant(s);
      // The deletion lands between gene's read of the app and its write of the code.
      const { directory } = s.services;
      const getApp = directory.getApp.bind(directory);
      let deleted = false;
      directory.getApp = async (id: string) => {
        const app = await getApp(id);
        if (id === racing.appId && app && !deleted) {
          deleted = true;
          assertOk(await admin(s, 'DELETE', `/api/admin/apps/${racing.appId}`));
        }
        return app;
      };
      try {
        assertError(await gene({}, racing.appId), 'APP_NOT_FOUND');
      } finally {
        directory.getApp = getApp;
      }
      assert.ok(deleted);
    });

    test('a blocked scanner who approved first keeps status 2, and gets no token (the redemption refuses)', async () => {
      const u = await createTenant(s);
      const userToken = await loginAs(s, u.appId, u.username, u.password);
      const code = assertOk(await gene({}, u.appId));
      await approve(code.random, userToken);
      const { ticket } = assertOk(await pageCheck(code.random));
      assertOk(await admin(s, 'PATCH', `/api/admin/users/${u.userId}`, { blocked: true }));
      assert.equal(assertOk(await pageCheck(code.random)).status, QrStatus.Authorized);
      assertError(await redeem(ticket, u.appId, u.appSecret), 'USER_BLOCKED');
    });
  });
});

describe('status 5 when the pool behind a code is gone (domain level, on the embedded store)', () => {
  test('its open codes stop with POOL_NOT_FOUND at their next read', async () => {
    const clock = new ManualClock();
    const sqlite = new SqliteStorage(':memory:');
    const runtime = await createRuntime(loadConfig({ DATABASE_FILE: ':memory:', LOG_LEVEL: 'silent' }), {
      clock,
      storage: composeStorage(sqlite, embeddedHotStores(sqlite, { mirror: true })),
    });
    try {
      const pool = await runtime.directory.createPool('soon gone');
      const { app } = await runtime.directory.createApp({ poolId: pool.id, name: 'site' });
      const user = await runtime.directory.createUser({ poolId: pool.id, username: 'dora' });
      const scanned = await runtime.qr.generate({ app });
      await runtime.qr.scan(scanned.session.publicId, user);
      // No operation deletes a pool; a database tool might (the apps go with it, or not).
      sqlite.db.pragma('foreign_keys = OFF');
      sqlite.db.prepare('DELETE FROM pools WHERE id = ?').run(pool.id);
      clock.advance(6_000); // past the directory's short cache
      const view = await runtime.qr.check(scanned.session.random);
      assert.equal(view.status, QrStatus.Error);
      assert.deepEqual(view.scannedResult, stopReport('POOL_NOT_FOUND'));
      // Every read after the first finds it stopped; nothing is stopped twice.
      const again = await runtime.qr.check(scanned.session.random);
      assert.equal(again.seq, 2);
    } finally {
      await runtime.close();
    }
  });
});
