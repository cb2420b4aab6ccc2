/**
 * Issue 17, part 3: an app token could not be revoked (the app SDK's
 * `logout` only forgot it on the phone). Now every password login opens an
 * app session (the token's `sid`); ending it (logout, the device list, an
 * admin) refuses the token from the next call on, on every app route and on
 * token validation, on every instance, because the check reads shared
 * storage.
 *
 * Run on the embedded SQLite (one instance) and on PostgreSQL + Redis with
 * two instances: the token is used through one and signed out through the
 * other. Every app route is found in the protocol's route table, so a route
 * added later is covered without touching this file.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type AnyRoute, ErrorCodes, routes } from '@scanlogin/protocol';
import { ManualClock } from '../src/domain/clock.js';
import {
  admin,
  appAction,
  approvedCode,
  assertError,
  assertOk,
  basic,
  call,
  check,
  createTenant,
  generateFor,
  type Json,
  jwtClaims,
  type TestServer,
} from './helpers.js';
import { WORLDS } from './support/backends.js';

const PHONE_UA =
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36';
const TABLET_UA =
  'Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

/** Every operation of the table that takes the phone's app token, but signing out. */
const APP_ROUTES: AnyRoute[] = Object.values(routes as Record<string, AnyRoute>).filter(
  (r) => r.security.some((req) => 'appToken' in req) && !r.operationId.startsWith('logout'),
);

/** Calls one app route with `token` and inputs its schemas accept, so only the token decides. */
function callAppRoute(s: TestServer, r: AnyRoute, token: string) {
  const path = r.url.replace(/:(\w+)/g, 'as_doesnotexist');
  const headers = { authorization: `Bearer ${token}` };
  if (r.method === 'GET')
    return call(s.url, 'GET', r.schema.querystring ? `${path}?random=r` : path, { headers });
  if (r.method === 'DELETE') return call(s.url, 'DELETE', path, { headers });
  return call(s.url, r.method, path, {
    headers,
    body: { random: 'r', password: 'p', code: 'BCDF-GHJK', userCode: 'BCDF-GHJK' },
  });
}

for (const world of WORLDS) {
  describe(`app sessions: ${world.name}`, () => {
    const clock = new ManualClock();
    let servers: TestServer[];
    /** The first instance, and the last (the same one on SQLite). */
    let s: TestServer;
    let other: TestServer;

    before(async () => {
      servers = await world.start({ clock });
      s = servers[0]!;
      other = servers.at(-1)!;
    });
    after(async () => {
      for (const x of [...(servers ?? [])].reverse()) await x.close();
    });

    /** A password login through `via`, from a device that says `userAgent`. */
    async function signIn(
      via: TestServer,
      account: string,
      password: string,
      userAgent = PHONE_UA,
      appId?: string,
    ) {
      const answer = await call(via.url, 'POST', '/api/v2/login/account', {
        body: { account, password },
        headers: { 'x-authing-app-id': appId ?? via.seed.app.id, 'user-agent': userAgent },
      });
      return assertOk(answer).token as string;
    }
    const alice = (via = s, ua = PHONE_UA) => signIn(via, 'alice', 'alice-demo-pass', ua);
    const devices = async (via: TestServer, token: string) =>
      assertOk(await call(via.url, 'GET', '/api/v2/app-sessions', { headers: { authorization: token } }));
    const logout = async (via: TestServer, token: string | null, method = 'POST') =>
      assertOk(
        await call(
          via.url,
          method,
          method === 'GET' ? `/api/v2/logout?app_id=${via.seed.app.id}` : '/api/v2/logout',
          {
            headers: token ? { authorization: `Bearer ${token}` } : {},
          },
        ),
      );
    const active = async (via: TestServer, token: string) =>
      assertOk(await call(via.url, 'POST', '/api/v2/token/validate', { body: { token } })).active as boolean;

    /** Asserts that every app route, on every instance, refuses `token` as INVALID_TOKEN; and validation. */
    async function refusedEverywhere(token: string): Promise<void> {
      assert.ok(APP_ROUTES.length >= 11, `the app routes: ${APP_ROUTES.map((r) => r.operationId)}`);
      for (const via of servers) {
        for (const r of APP_ROUTES) {
          const answer = await callAppRoute(via, r, token);
          assertError(answer, 'INVALID_TOKEN');
          assert.match(answer.body.message, /signed out/, r.operationId);
        }
        assert.equal(await active(via, token), false);
      }
    }

    it('a password login opens an app session: its token names it, and the device list shows every device', async () => {
      const phone = await alice(s, PHONE_UA);
      clock.advance(1000);
      const tablet = await alice(other, TABLET_UA);
      const claims = jwtClaims(phone);
      assert.match(claims.sid, /^as_[A-Za-z0-9_-]{32}$/);
      assert.equal(claims.token_use, 'app');
      const list = await devices(other, phone);
      const mine = list.find((d: Json) => d.id === claims.sid);
      const theirs = list.find((d: Json) => d.id === jwtClaims(tablet).sid);
      assert.ok(mine && theirs, JSON.stringify(list));
      assert.equal(list[0].id, theirs.id, 'newest first');
      assert.deepEqual(
        {
          current: mine.current,
          app: mine.app,
          browser: mine.browser,
          os: mine.os,
          ip: mine.ip,
          place: mine.place,
        },
        {
          current: true,
          app: { id: s.seed.app.id, name: 'Demo website' },
          browser: 'Chrome 131',
          os: 'Android',
          ip: '127.0.0.1',
          place: 'This machine',
        },
      );
      assert.equal(theirs.current, false);
      assert.equal(theirs.os, 'iOS');
      assert.equal(Date.parse(mine.expiresAt) - Date.parse(mine.createdAt), 604_800_000, 'the app token TTL');
      assert.equal(Math.floor(Date.parse(mine.expiresAt) / 1000), claims.exp);
      // The tablet's list marks the tablet.
      assert.deepEqual(
        (await devices(s, tablet)).filter((d: Json) => d.current).map((d: Json) => d.id),
        [jwtClaims(tablet).sid],
      );
      for (const t of [phone, tablet]) await logout(s, t);
    });

    it('logout ends the token at once: every app route and validation refuse it, on every instance; other devices go on', async () => {
      const phone = await alice(s);
      const tablet = await alice(s, TABLET_UA);
      assert.equal(await active(other, phone), true);
      assertOk(await appAction(other, 'scanned', (await generateFor(s, s.seed.app.id)).random, phone));

      assert.deepEqual(await logout(other, phone), { revoked: 1 });
      await refusedEverywhere(phone);
      // The same token again: nothing left to end, and still 200 (RFC 7009).
      assert.deepEqual(await logout(s, phone), { revoked: 0 });

      // The tablet still works, and no longer lists the phone.
      assert.equal(await active(s, tablet), true);
      const left = (await devices(other, tablet)).map((d: Json) => d.id);
      assert.ok(left.includes(jwtClaims(tablet).sid));
      assert.ok(!left.includes(jwtClaims(phone).sid));
      await logout(s, tablet);
    });

    it('logout answers 200 for no token, a bad one, and ends a website token’s web session too', async () => {
      assert.deepEqual(await logout(s, null), { revoked: 0 });
      assert.deepEqual(await logout(s, 'not-a-token'), { revoked: 0 });
      assert.deepEqual(await logout(s, 'not-a-token', 'GET'), { revoked: 0 });
      const phone = await alice(s);
      const { ticket } = await approvedCode(s, phone);
      const site = assertOk(
        await call(s.url, 'POST', '/api/v2/qrcode/userinfo', {
          body: { ticket },
          headers: { authorization: basic(s.seed.app.id, s.seed.app.secret) },
        }),
      );
      assert.equal(await active(other, site.token), true);
      // authing-js-sdk's logout(): GET with the app id in the query and the token in a header.
      assert.deepEqual(await logout(other, site.token, 'GET'), { revoked: 1 });
      assert.equal(await active(s, site.token), false);
      assert.equal(await active(s, phone), true, 'the phone that approved stays signed in');
      assert.deepEqual(await logout(s, phone, 'GET'), { revoked: 1 });
      await refusedEverywhere(phone);
    });

    it('one device signs another out; nobody can end a session that is not theirs', async () => {
      const phone = await alice(s);
      const tablet = await alice(other, TABLET_UA);
      const bob = await signIn(s, 'bob', 'bob-demo-pass');
      const tabletSid = jwtClaims(tablet).sid as string;
      const end = (via: TestServer, token: string, id: string) =>
        call(via.url, 'DELETE', `/api/v2/app-sessions/${id}`, { headers: { authorization: token } });

      assertError(await end(s, bob, tabletSid), 'APP_SESSION_NOT_FOUND');
      assertError(await end(s, phone, 'as_nosuchsession'), 'APP_SESSION_NOT_FOUND');
      assert.equal(await active(s, tablet), true, "bob's attempt changed nothing");

      assert.deepEqual(assertOk(await end(other, phone, tabletSid)), { revoked: 1 });
      await refusedEverywhere(tablet);
      assertError(await end(s, phone, tabletSid), 'APP_SESSION_NOT_FOUND');
      // A device may end its own session this way too.
      assertOk(await end(s, phone, jwtClaims(phone).sid));
      await refusedEverywhere(phone);
      await logout(s, bob);
    });

    it('an admin signs a user out everywhere: every device and every website', async () => {
      const t = await createTenant(s);
      const phone = await signIn(s, t.username, t.password, PHONE_UA, t.appId);
      const tablet = await signIn(other, t.username, t.password, TABLET_UA, t.appId);
      const { ticket } = await approvedCode(s, phone, t.appId);
      const site = assertOk(
        await call(s.url, 'POST', '/api/v2/qrcode/userinfo', {
          body: { ticket },
          headers: { authorization: basic(t.appId, t.appSecret) },
        }),
      );
      const listed = assertOk(await admin(other, 'GET', `/api/admin/users/${t.userId}/app-sessions`));
      assert.deepEqual(
        listed.map((d: Json) => [d.id, d.current]).sort(),
        [jwtClaims(phone).sid, jwtClaims(tablet).sid].sort().map((id) => [id, false]),
      );

      assert.deepEqual(assertOk(await admin(other, 'DELETE', `/api/admin/users/${t.userId}/sessions`)), {
        revoked: 3,
        appSessions: 2,
        webSessions: 1,
      });
      await refusedEverywhere(phone);
      await refusedEverywhere(tablet);
      for (const via of servers) assert.equal(await active(via, site.token), false);
      assert.deepEqual(assertOk(await admin(s, 'GET', `/api/admin/users/${t.userId}/app-sessions`)), []);
      assert.deepEqual(assertOk(await admin(s, 'DELETE', `/api/admin/users/${t.userId}/sessions`)), {
        revoked: 0,
        appSessions: 0,
        webSessions: 0,
      });
      assertError(
        await admin(s, 'DELETE', '/api/admin/users/000000000000000000000000/sessions'),
        'NOT_FOUND',
      );
      // Signing in again is a new session, unaffected.
      const again = await signIn(s, t.username, t.password, PHONE_UA, t.appId);
      assert.equal(await active(other, again), true);
    });

    it('an app token from before app sessions (no sid) is refused everywhere, with a line to sign in again', async () => {
      const user = (await s.services.directory.getUser(jwtClaims(await alice(s)).sub))!;
      const legacy = await s.services.tokens.issue({ user, audience: s.seed.app.id, use: 'app' });
      assert.equal(legacy.claims.sid, undefined);
      for (const via of servers) {
        const answer = await appAction(via, 'scanned', 'r', legacy.token);
        assertError(answer, 'INVALID_TOKEN');
        assert.match(answer.body.message, /sign in again/);
        assert.equal(await active(via, legacy.token), false);
      }
      assert.deepEqual(await logout(s, legacy.token), { revoked: 0 });
    });

    it('a session ends with its token: past the app token TTL it is neither listed nor accepted', async () => {
      const fresh = await createTenant(s);
      const phone = await signIn(s, fresh.username, fresh.password, PHONE_UA, fresh.appId);
      clock.advance(604_800_000 - 1000);
      const still = await signIn(s, fresh.username, fresh.password, TABLET_UA, fresh.appId);
      assert.equal((await devices(other, still)).length, 2);
      clock.advance(1000);
      assert.equal(await active(other, phone), false);
      assert.deepEqual(
        (await devices(other, still)).map((d: Json) => d.id),
        [jwtClaims(still).sid],
      );
    });

    it("an approval is withdrawn when its phone signs out before the website redeemed it; another device's stands", async () => {
      const t = await createTenant(s);
      const phone = await signIn(s, t.username, t.password, PHONE_UA, t.appId);
      const tablet = await signIn(s, t.username, t.password, TABLET_UA, t.appId);
      const redeem = (via: TestServer, ticket: string) =>
        call(via.url, 'POST', '/api/v2/qrcode/userinfo', {
          body: { ticket },
          headers: { authorization: basic(t.appId, t.appSecret) },
        });
      const byPhone = await approvedCode(s, phone, t.appId);
      const byTablet = await approvedCode(s, tablet, t.appId);
      await logout(other, phone);
      assertError(await redeem(other, byPhone.ticket), 'APPROVAL_WITHDRAWN');
      assertError(await redeem(s, byPhone.ticket), 'TICKET_INVALID');
      assert.equal(assertOk(await redeem(other, byTablet.ticket)).username, t.username);

      // With returnFullUserInfo the page would get a token from `check`: not for a withdrawn approval.
      assertOk(await admin(s, 'PATCH', `/api/admin/apps/${t.appId}`, { returnFullUserInfo: true }));
      const { random } = await approvedCode(s, tablet, t.appId);
      await logout(s, tablet);
      const seen = assertOk(await check(s, random));
      assert.equal(seen.status, 2);
      assert.equal(seen.ticket, null);
      assert.equal(seen.userInfo.token, undefined);
      assert.equal(ErrorCodes.APPROVAL_WITHDRAWN.status, 403);
    });
  });
}
