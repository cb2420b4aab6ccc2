/**
 * Issue 17, part 1: the stock authing-js-sdk logs a user in through
 * `POST /graphql/v2` (loginByUsername, loginByEmail, loginByPhonePassword),
 * the password RSA-encrypted with the pool key it fetched from
 * `/api/v2/.well-known`. That endpoint answered 404. Here the published SDK,
 * unmodified, is pointed at our server by its `appHost` only, and its own
 * methods are called: the user and token it returns must be accepted by our
 * app calls, its failures must reach the caller as the registry's code and
 * message (the SDK throws `{code, message, data}`), and its `logout()` must
 * end the token at once.
 *
 * On the embedded SQLite (one instance) and on PostgreSQL + Redis with two
 * instances, where the throttle's counters are shared: a parallel burst of
 * wrong passwords through both instances evaluates no more passwords than
 * one address's budget allows. Time is a ManualClock; nothing waits for it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ErrorCodes, type ErrorName, errorMessage } from '@scanlogin/protocol';
import { AuthenticationClient } from 'authing-js-sdk';
import { ManualClock } from '../src/domain/clock.js';
import { DEFAULT_LOGIN_THROTTLE } from '../src/domain/directory/service.js';
import {
  admin,
  appAction,
  approvedCode,
  assertError,
  assertOk,
  basic,
  call,
  createTenant,
  generateFor,
  type Json,
  jwtClaims,
  type TestServer,
} from './helpers.js';
import { WORLDS } from './support/backends.js';

/** How authing-js-sdk throws a failed GraphQL call: the plain object from the error's `message`. */
interface SdkError {
  code: number;
  message: string;
  data: unknown;
}

/** Awaits a call of the SDK that must fail, and returns what it threw. */
async function sdkError(call: Promise<unknown>): Promise<SdkError> {
  try {
    await call;
  } catch (err) {
    return err as SdkError;
  }
  assert.fail('the SDK call succeeded');
}

function assertSdkError(err: SdkError, name: ErrorName): void {
  assert.equal(err.code, ErrorCodes[name].code, JSON.stringify(err));
  assert.equal(typeof err.message, 'string');
  assert.ok(err.message.length > 0);
}

const BURST = 30;

for (const world of WORLDS) {
  describe(`authing-js-sdk's own login (POST /graphql/v2): ${world.name}`, () => {
    const clock = new ManualClock();
    let servers: TestServer[];
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

    /** A fresh SDK client, as a page or a Node backend would make one: only the host is ours. */
    const sdk = (via: TestServer, appId = via.seed.app.id) =>
      new AuthenticationClient({ appId, appHost: via.url });
    const active = async (via: TestServer, token: string) =>
      assertOk(await call(via.url, 'POST', '/api/v2/token/validate', { body: { token } })).active as boolean;

    it('loginByUsername returns the user with an app token that every instance accepts; logout() ends it at once', async () => {
      const client = sdk(s);
      const user = await client.loginByUsername('alice', 'alice-demo-pass');
      assert.equal(user.username, 'alice');
      assert.equal(user.email, 'alice@example.com');
      assert.equal(user.phone, '+15550100001');
      assert.equal(user.nickname, 'Alice');
      assert.equal(user.userPoolId, s.seed.pool.id);
      assert.equal(user.id, jwtClaims(user.token!).sub);
      // The SDK keeps the user (and its token) as the current one.
      assert.equal((await client.getCurrentUser())?.id ?? user.id, user.id);
      const claims = jwtClaims(user.token!);
      assert.equal(claims.token_use, 'app');
      assert.equal(claims.aud, s.seed.app.id);
      assert.match(claims.sid, /^as_/);
      assert.equal(Date.parse(user.tokenExpiredAt!) / 1000, claims.exp);

      // Our app calls take it, on every instance, in both Authorization forms.
      for (const via of servers) {
        const { random } = await generateFor(via, via.seed.app.id);
        assertOk(await appAction(via, 'scanned', random, user.token!));
        assert.equal(await active(via, user.token!), true);
      }
      const listed = assertOk(
        await call(other.url, 'GET', '/api/v2/app-sessions', {
          headers: { authorization: `Bearer ${user.token}` },
        }),
      );
      assert.ok(listed.some((d: Json) => d.id === claims.sid && d.current));

      // The SDK's logout() (GET /api/v2/logout?app_id=..., its token in a header) ends the session.
      await client.logout();
      for (const via of servers) {
        assert.equal(await active(via, user.token!), false);
        assertError(await appAction(via, 'scanned', 'r', user.token!), 'INVALID_TOKEN');
      }
    });

    it("loginByEmail's token approves a QR login that the website redeems", async () => {
      const user = await sdk(other).loginByEmail('Alice@Example.com', 'alice-demo-pass');
      assert.equal(user.username, 'alice');
      assert.equal(user.email, 'alice@example.com');
      const { ticket } = await approvedCode(s, user.token!);
      const site = assertOk(
        await call(other.url, 'POST', '/api/v2/qrcode/userinfo', {
          body: { ticket },
          headers: { authorization: basic(s.seed.app.id, s.seed.app.secret) },
        }),
      );
      assert.equal(site.id, user.id);
      assertOk(await call(s.url, 'POST', '/api/v2/logout', { headers: { authorization: user.token! } }));
    });

    it('loginByPhonePassword logs in by phone number', async () => {
      const user = await sdk(s).loginByPhonePassword('+15550100002', 'bob-demo-pass');
      assert.equal(user.username, 'bob');
      assert.equal(await active(other, user.token!), true);
      assertOk(await call(s.url, 'POST', '/api/v2/logout', { headers: { authorization: user.token! } }));
    });

    it('a wrong password, an unknown account, or a name of the wrong kind: WRONG_CREDENTIALS, with our code', async () => {
      const client = sdk(s);
      assertSdkError(
        await sdkError(client.loginByUsername('alice', 'not-her-password')),
        'WRONG_CREDENTIALS',
      );
      assertSdkError(
        await sdkError(client.loginByUsername('nobody-here', 'whatever-1')),
        'WRONG_CREDENTIALS',
      );
      // loginByEmail finds by e-mail only, loginByUsername by username only.
      assertSdkError(await sdkError(client.loginByEmail('alice', 'alice-demo-pass')), 'WRONG_CREDENTIALS');
      assertSdkError(
        await sdkError(client.loginByUsername('alice@example.com', 'alice-demo-pass')),
        'WRONG_CREDENTIALS',
      );
      const err = await sdkError(client.loginByUsername('alice', 'not-her-password'));
      // The SDK says x-authing-lang: zh-CN unless told otherwise, so the message is Chinese, as at Authing.
      assert.equal(err.message, errorMessage('WRONG_CREDENTIALS', 'zh-CN'));
      // No user was kept as the current one.
      assert.equal(await client.getCurrentUser().catch(() => null), null);
    });

    it('a blocked user gets USER_BLOCKED for the right password, and no session', async () => {
      const t = await createTenant(s);
      assertOk(await admin(s, 'PATCH', `/api/admin/users/${t.userId}`, { blocked: true }));
      assertSdkError(
        await sdkError(sdk(other, t.appId).loginByUsername(t.username, t.password)),
        'USER_BLOCKED',
      );
      assertSdkError(
        await sdkError(sdk(other, t.appId).loginByUsername(t.username, 'wrong-password')),
        'WRONG_CREDENTIALS',
      );
      assert.deepEqual(assertOk(await admin(s, 'GET', `/api/admin/users/${t.userId}/app-sessions`)), []);
      // Unblocked, the same call works.
      assertOk(await admin(s, 'PATCH', `/api/admin/users/${t.userId}`, { blocked: false }));
      const user = await sdk(other, t.appId).loginByUsername(t.username, t.password);
      assert.equal(await active(s, user.token!), true);
    });

    it('what this endpoint does not do is refused with our code: another operation, autoRegister', async () => {
      const client = sdk(s);
      assertSdkError(
        await sdkError(client.loginByPhoneCode('+15550100001', '1234')),
        'UNSUPPORTED_OPERATION',
      );
      assertSdkError(
        await sdkError(client.loginByUsername('alice', 'alice-demo-pass', { autoRegister: true })),
        'INVALID_REQUEST',
      );
    });

    it(`${BURST} wrong passwords at once through every instance: the throttle evaluates at most one address's budget, then refuses even the right one until its window passed`, async () => {
      const t = await createTenant(s);
      const clients = servers.map((via) => sdk(via, t.appId));
      const outcomes = await Promise.all(
        Array.from({ length: BURST }, (_, i) =>
          sdkError(clients[i % clients.length]!.loginByUsername(t.username, `wrong-${i}`)),
        ),
      );
      const count = (name: ErrorName) => outcomes.filter((e) => e.code === ErrorCodes[name].code).length;
      assert.equal(
        count('WRONG_CREDENTIALS') + count('TOO_MANY_LOGIN_ATTEMPTS'),
        BURST,
        JSON.stringify(outcomes.filter((e) => e.code >= 5000 || e.code < 1000)),
      );
      assert.ok(
        count('WRONG_CREDENTIALS') <= DEFAULT_LOGIN_THROTTLE.accountFailures,
        `${count('WRONG_CREDENTIALS')} passwords were evaluated`,
      );
      assert.ok(count('TOO_MANY_LOGIN_ATTEMPTS') >= BURST - DEFAULT_LOGIN_THROTTLE.accountFailures);

      // Locked: the right password is not even evaluated, through either instance.
      for (const c of clients) {
        assertSdkError(await sdkError(c.loginByUsername(t.username, t.password)), 'TOO_MANY_LOGIN_ATTEMPTS');
      }
      clock.advance(DEFAULT_LOGIN_THROTTLE.windowMs);
      const user = await clients.at(-1)!.loginByUsername(t.username, t.password);
      assert.equal(await active(s, user.token!), true);
    });
  });
}
