/**
 * Issue 13, finding 6: with `returnFullUserInfo`, `check` minted a website
 * token for a user blocked after approving, while redemption refused them.
 * Now the token service makes that decision once, for every path that mints
 * (app login, ticket exchange from a server or a browser, the full user of a
 * check, long-poll or event stream), and a refused user leaves neither a web
 * session nor a "redeemed" audit line behind. Run on every storage combination.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ErrorCodes } from '@scanlogin/protocol';
import {
  type Answer,
  admin,
  appAction,
  assertError,
  assertOk,
  basic,
  CookieJar,
  call,
  createTenant,
  type Json,
  loginAs,
  type Tenant,
  type TestServer,
} from './helpers.js';
import { backends } from './support/backends.js';

for (const backend of backends())
  describe(`a blocked user gets no token, whichever path mints it (${backend.name})`, () => {
    let s: TestServer;
    before(async () => {
      s = await backend.start();
    });
    after(() => s?.close());

    /** A pool and app with these QR settings, one user signed in on the phone. */
    async function world(qr: Record<string, unknown> = {}) {
      const t = await createTenant(s, { allowExchangeUserInfoFromBrowser: true, ...qr });
      const phone = await loginAs(s, t.appId, t.username, t.password);
      return { t, phone };
    }

    /** A code asked for by `page`, scanned and approved on the phone. */
    async function approved(t: Tenant, phone: string, page = new CookieJar()) {
      const gene = assertOk(
        await call(s.url, 'POST', '/api/v2/qrcode/gene', {
          body: {},
          headers: { 'x-authing-app-id': t.appId },
          jar: page,
        }),
      );
      assertOk(await appAction(s, 'scanned', gene.random, phone));
      assertOk(await appAction(s, 'confirm', gene.random, phone));
      return { random: gene.random as string, page };
    }

    const block = async (t: Tenant, blocked = true) =>
      assert.equal(
        assertOk(await admin(s, 'PATCH', `/api/admin/users/${t.userId}`, { blocked })).blocked,
        blocked,
      );
    const sessionsOf = async (t: Tenant) =>
      assertOk(await admin(s, 'GET', `/api/admin/users/${t.userId}/web-sessions`)) as Json[];
    const redeemedOf = async (t: Tenant) =>
      (assertOk(await admin(s, 'GET', `/api/admin/audit?userPoolId=${t.poolId}`)) as Json[]).filter(
        (line) => line.outcome === 'redeemed',
      );
    const exchange = (t: Tenant, ticket: string) =>
      call(s.url, 'POST', '/api/v2/qrcode/userinfo', {
        body: { ticket },
        headers: { authorization: basic(t.appId, t.appSecret) },
        jar: false,
      });

    it('check with returnFullUserInfo: the bound page gets USER_BLOCKED, not a token', async () => {
      const { t, phone } = await world({ returnFullUserInfo: true });
      const { random, page } = await approved(t, phone);
      await block(t);
      const reads: Answer[] = [
        await call(s.url, 'GET', `/api/v2/qrcode/check?random=${random}`, { jar: page }),
        await call(s.url, 'GET', `/api/v2/qrcode/check?random=${random}&wait=5&seq=0`, { jar: page }),
        await call(s.url, 'GET', `/api/v2/qrcode/events?random=${random}`, { jar: page }),
      ];
      for (const r of reads) {
        assertError(r, 'USER_BLOCKED');
        assert.doesNotMatch(JSON.stringify(r.body), /"token"/);
      }
      // Anybody else still sees the status, and nothing more, as before.
      const stranger = assertOk(
        await call(s.url, 'GET', `/api/v2/qrcode/check?random=${random}`, { jar: false }),
      );
      assert.equal(stranger.status, 2);
      assert.equal(stranger.ticket, null);
      assert.equal(stranger.userInfo.token, undefined);
      assert.deepEqual(await sessionsOf(t), [], 'no web session was opened');

      // Unblocked, the same read mints again: the refusal was the block, nothing else.
      await block(t, false);
      const full = assertOk(await call(s.url, 'GET', `/api/v2/qrcode/check?random=${random}`, { jar: page }));
      assert.equal(typeof full.userInfo.token, 'string');
      assert.equal((await sessionsOf(t)).length, 1);
    });

    it('ticket exchange with the app secret: USER_BLOCKED, the ticket spent, no session, no redeemed line', async () => {
      const { t, phone } = await world();
      const { random, page } = await approved(t, phone);
      const ticket = assertOk(
        await call(s.url, 'GET', `/api/v2/qrcode/check?random=${random}`, { jar: page }),
      ).ticket as string;
      await block(t);
      assertError(await exchange(t, ticket), 'USER_BLOCKED');
      await block(t, false);
      assertError(await exchange(t, ticket), 'TICKET_INVALID');
      assert.deepEqual(await sessionsOf(t), []);
      assert.deepEqual(await redeemedOf(t), []);
    });

    it('ticket exchange from the browser that asked: USER_BLOCKED as well', async () => {
      const { t, phone } = await world();
      const { random, page } = await approved(t, phone);
      const ticket = assertOk(
        await call(s.url, 'GET', `/api/v2/qrcode/check?random=${random}`, { jar: page }),
      ).ticket as string;
      await block(t);
      assertError(
        await call(s.url, 'POST', '/api/v2/qrcode/userinfo', {
          body: { ticket },
          headers: { 'x-authing-app-id': t.appId },
          jar: page,
        }),
        'USER_BLOCKED',
      );
      assert.deepEqual(await sessionsOf(t), []);
      assert.deepEqual(await redeemedOf(t), []);
    });

    it('app login: the right password of a blocked user mints no app token', async () => {
      const { t } = await world();
      await block(t);
      const login = (password: string) =>
        call(s.url, 'POST', '/api/v2/login/account', {
          body: { account: t.username, password },
          headers: { 'x-authing-app-id': t.appId },
        });
      const refused = await login(t.password);
      assertError(refused, 'USER_BLOCKED');
      assert.doesNotMatch(JSON.stringify(refused.body), /eyJ/);
      assertError(await login('not-the-password'), 'WRONG_CREDENTIALS');
    });

    it('a block racing a burst of exchanges and full reads: each mint either precedes it or is refused', async () => {
      const { t, phone } = await world();
      const fullUserInfo = async (on: boolean) =>
        assertOk(await admin(s, 'PATCH', `/api/admin/apps/${t.appId}`, { returnFullUserInfo: on }));
      for (let round = 0; round < 5; round++) {
        await block(t, false);
        await fullUserInfo(false);
        const codes = [];
        for (let i = 0; i < 8; i++) codes.push(await approved(t, phone));
        // The tickets are read before the race, while reading mints nothing.
        const tickets = await Promise.all(
          codes.map(
            async (c) =>
              assertOk(await call(s.url, 'GET', `/api/v2/qrcode/check?random=${c.random}`, { jar: c.page }))
                .ticket as string,
          ),
        );
        await fullUserInfo(true);
        const sessionsBefore = (await sessionsOf(t)).length;
        // Half the logins race by exchange, the other half by full reads (whose tickets stay live).
        const [, ...answers] = await Promise.all([
          block(t),
          ...codes.map((c, i) =>
            i % 2
              ? exchange(t, tickets[i]!)
              : call(s.url, 'GET', `/api/v2/qrcode/check?random=${c.random}`, { jar: c.page }),
          ),
        ]);
        const minted = new Set<string>();
        for (const a of answers as Answer[]) {
          if (a.status !== 200) {
            assertError(a, 'USER_BLOCKED');
            continue;
          }
          // A read after the exchange of its ticket shows the status only: nothing was minted.
          const token = (a.body.data.token ?? a.body.data.userInfo?.token) as string | undefined;
          if (token) minted.add(JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).sid);
        }
        // Once the block is in, nothing mints: a live ticket is refused, a spent one shows nothing.
        for (const [i, c] of codes.entries()) {
          const read = await call(s.url, 'GET', `/api/v2/qrcode/check?random=${c.random}`, { jar: c.page });
          if (i % 2) assert.equal(assertOk(read).userInfo.token, undefined);
          else assertError(read, 'USER_BLOCKED');
          const again = await exchange(t, tickets[i]!);
          const refusals: number[] = [ErrorCodes.USER_BLOCKED.code, ErrorCodes.TICKET_INVALID.code];
          assert.ok(refusals.includes(again.body.code), JSON.stringify(again.body));
        }
        // A session for each login that got a token, and for no other (a check and an exchange of
        // one login share its session).
        assert.equal((await sessionsOf(t)).length - sessionsBefore, minted.size, `round ${round}`);
      }
    });
  });
