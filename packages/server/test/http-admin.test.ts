/**
 * The management API (/api/admin/...): pools, apps, users, keys; its
 * credential, not-found and conflict answers.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ManualClock } from '../src/domain/clock.js';
import {
  admin,
  appAction,
  appLogin,
  approvedCode,
  assertError,
  assertOk,
  basic,
  call,
  generateFor,
  type Json,
  jwtClaims,
  loginAs,
  startTestServer,
  type TestServer,
} from './helpers.js';

const MISSING = '000000000000000000000000';

describe('admin API', () => {
  // Moved by hand: users are listed in the order they were created, which must not depend on how fast that was.
  const clock = new ManualClock();
  let s: TestServer;
  before(async () => {
    s = await startTestServer({ clock });
  });
  after(() => s.close());

  describe('credential', () => {
    const routes: [string, string, Json?][] = [
      ['GET', '/api/admin/pools'],
      ['POST', '/api/admin/pools', { name: 'x' }],
      ['GET', '/api/admin/apps'],
      ['POST', '/api/admin/apps', { userPoolId: 'x', name: 'x' }],
      ['PATCH', `/api/admin/apps/${MISSING}`, { name: 'x' }],
      ['POST', `/api/admin/apps/${MISSING}/rotate-secret`],
      ['DELETE', `/api/admin/apps/${MISSING}`],
      ['GET', '/api/admin/users?userPoolId=x'],
      ['GET', `/api/admin/users/${MISSING}`],
      ['POST', '/api/admin/users', { userPoolId: 'x', username: 'x' }],
      ['PATCH', `/api/admin/users/${MISSING}`, { nickname: 'x' }],
      ['DELETE', `/api/admin/users/${MISSING}`],
      ['POST', '/api/admin/keys/rotate'],
    ];

    test('every admin route: 401 3000 without a credential, with a wrong one, or with a user token', async () => {
      const alice = await appLogin(s);
      const wrongs: (Record<string, string> | undefined)[] = [
        undefined,
        { authorization: 'Bearer not-the-admin-token' },
        { authorization: `Bearer ${s.seed.adminToken}x` },
        { authorization: `Bearer ${alice}` },
        { authorization: basic('admin', s.seed.adminToken) },
      ];
      for (const [method, path, body] of routes) {
        for (const headers of wrongs) {
          const r = await call(s.url, method, path, {
            ...(body === undefined ? {} : { body }),
            ...(headers ? { headers } : {}),
          });
          assertError(r, 'ADMIN_AUTH_REQUIRED');
        }
      }
    });

    test('the admin token works as `Bearer <token>`', async () => {
      assertOk(
        await call(s.url, 'GET', '/api/admin/pools', {
          headers: { authorization: `Bearer ${s.seed.adminToken}` },
        }),
      );
    });
  });

  describe('/api/admin/pools', () => {
    test('lists the default pool; creates a pool with its own RSA key (201)', async () => {
      const list = assertOk(await admin(s, 'GET', '/api/admin/pools'));
      assert.ok(list.some((p: Json) => p.id === s.seed.pool.id && p.name === 'Default pool'));

      const created = assertOk(await admin(s, 'POST', '/api/admin/pools', { name: 'Second pool' }), 201);
      assert.match(created.id, /^[0-9a-f]{24}$/);
      assert.equal(created.name, 'Second pool');
      assert.match(created.publicKey, /^-----BEGIN PUBLIC KEY-----/);
      assert.equal(created.rsaPrivateKey, undefined);
      assert.equal(created.privateKey, undefined);
      const again = assertOk(await admin(s, 'GET', '/api/admin/pools'));
      assert.ok(again.some((p: Json) => p.id === created.id));
    });

    test('a name is required; nothing else is accepted', async () => {
      assertError(await admin(s, 'POST', '/api/admin/pools', {}), 'INVALID_REQUEST');
      assertError(await admin(s, 'POST', '/api/admin/pools', { name: '' }), 'INVALID_REQUEST');
      assertError(await admin(s, 'POST', '/api/admin/pools', { name: 'x', extra: 1 }), 'INVALID_REQUEST');
    });
  });

  describe('/api/admin/apps', () => {
    test('create (201, secret once), list without secrets, PATCH settings', async () => {
      const created = assertOk(
        await admin(s, 'POST', '/api/admin/apps', {
          userPoolId: s.seed.pool.id,
          name: 'Shop',
          allowedOrigins: ['https://shop.test', 'https://shop.test/'],
          qrcodeExpiresAfter: 60,
        }),
        201,
      );
      assert.match(created.id, /^[0-9a-f]{24}$/);
      assert.equal(typeof created.secret, 'string');
      assert.ok(created.secret.length >= 32);
      assert.deepEqual(created.allowedOrigins, ['https://shop.test'], 'origins normalised and deduplicated');
      assert.equal(created.qrcodeExpiresAfter, 60);
      assert.equal(created.ticketExpiresAfter, 300);
      assert.equal(created.returnFullUserInfo, false);
      assert.equal(created.allowExchangeUserInfoFromBrowser, false);
      assert.equal(created.secretHash, undefined);

      const list = assertOk(await admin(s, 'GET', `/api/admin/apps?userPoolId=${s.seed.pool.id}`));
      const listed = list.find((a: Json) => a.id === created.id);
      assert.ok(listed);
      assert.equal(listed.secret, undefined);
      assert.equal(listed.secretHash, undefined);
      assert.ok(list.every((a: Json) => a.userPoolId === s.seed.pool.id));
      const all = assertOk(await admin(s, 'GET', '/api/admin/apps'));
      assert.ok(all.length >= list.length);

      const patched = assertOk(
        await admin(s, 'PATCH', `/api/admin/apps/${created.id}`, {
          name: 'Shop 2',
          allowedOrigins: ['http://localhost:4000'],
          returnFullUserInfo: true,
          ticketExpiresAfter: 60,
        }),
      );
      assert.equal(patched.name, 'Shop 2');
      assert.deepEqual(patched.allowedOrigins, ['http://localhost:4000']);
      assert.equal(patched.returnFullUserInfo, true);
      assert.equal(patched.ticketExpiresAfter, 60);
      assert.equal(patched.qrcodeExpiresAfter, 60, 'settings not named stay');
      assert.equal(patched.secret, undefined);

      // The change is live at once: the new origin may generate, the old may not.
      const gene = (origin: string) =>
        call(s.url, 'POST', '/api/v2/qrcode/gene', {
          body: { scene: 'APP_AUTH' },
          headers: { 'x-authing-app-id': created.id, origin },
        });
      assertOk(await gene('http://localhost:4000'));
      assertError(await gene('https://shop.test'), 'ORIGIN_NOT_ALLOWED');
    });

    test('rotate-secret: the new secret works, the old one is refused at once', async () => {
      const created = assertOk(
        await admin(s, 'POST', '/api/admin/apps', { userPoolId: s.seed.pool.id, name: 'Rotating' }),
        201,
      );
      const alice = await appLogin(s);
      const first = await approvedCode(s, alice, created.id);

      const rotated = assertOk(await admin(s, 'POST', `/api/admin/apps/${created.id}/rotate-secret`));
      assert.equal(rotated.id, created.id);
      assert.equal(typeof rotated.secret, 'string');
      assert.notEqual(rotated.secret, created.secret);

      const exchange = (ticket: string, secret: string) =>
        call(s.url, 'POST', '/api/v2/qrcode/userinfo', {
          body: { ticket },
          headers: { authorization: basic(created.id, secret) },
        });
      assertError(await exchange(first.ticket, created.secret), 'INVALID_APP_CREDENTIALS');
      assertOk(await exchange(first.ticket, rotated.secret));
    });

    test('DELETE: gone for every later call', async () => {
      const created = assertOk(
        await admin(s, 'POST', '/api/admin/apps', { userPoolId: s.seed.pool.id, name: 'Doomed' }),
        201,
      );
      assertOk(await admin(s, 'DELETE', `/api/admin/apps/${created.id}`));
      assertError(
        await call(s.url, 'POST', '/api/v2/qrcode/gene', {
          body: { scene: 'APP_AUTH' },
          headers: { 'x-authing-app-id': created.id },
        }),
        'APP_NOT_FOUND',
      );
      assertError(await admin(s, 'DELETE', `/api/admin/apps/${created.id}`), 'NOT_FOUND');
    });

    test('unknown app: 404 3001 for PATCH, rotate-secret and DELETE; unknown pool on create: 404 2102', async () => {
      assertError(await admin(s, 'PATCH', `/api/admin/apps/${MISSING}`, { name: 'x' }), 'NOT_FOUND');
      assertError(await admin(s, 'POST', `/api/admin/apps/${MISSING}/rotate-secret`), 'NOT_FOUND');
      assertError(await admin(s, 'DELETE', `/api/admin/apps/${MISSING}`), 'NOT_FOUND');
      assertError(
        await admin(s, 'POST', '/api/admin/apps', { userPoolId: MISSING, name: 'x' }),
        'POOL_NOT_FOUND',
      );
    });

    test('invalid settings: 400 1001', async () => {
      const pool = s.seed.pool.id;
      const bad: Json[] = [
        { userPoolId: pool },
        { userPoolId: pool, name: 'x', qrcodeExpiresAfter: 5 },
        { userPoolId: pool, name: 'x', qrcodeExpiresAfter: 3601 },
        { userPoolId: pool, name: 'x', ticketExpiresAfter: '60' },
        { userPoolId: pool, name: 'x', returnFullUserInfo: 'yes' },
        { userPoolId: pool, name: 'x', allowedOrigins: ['not an origin'] },
        { userPoolId: pool, name: 'x', allowedOrigins: ['https://a.test/path'] },
        { userPoolId: pool, name: 'x', secret: 'chosen' },
      ];
      for (const body of bad) assertError(await admin(s, 'POST', '/api/admin/apps', body), 'INVALID_REQUEST');
      assertError(
        await admin(s, 'PATCH', `/api/admin/apps/${s.seed.app.id}`, { qrcodeExpiresAfter: 9 }),
        'INVALID_REQUEST',
      );
      assertError(
        await admin(s, 'PATCH', `/api/admin/apps/${s.seed.app.id}`, { userPoolId: MISSING }),
        'INVALID_REQUEST',
      );
    });
  });

  describe('/api/admin/users', () => {
    test('create (201, no password hash), read, list with paging, PATCH, DELETE', async () => {
      const pool = assertOk(await admin(s, 'POST', '/api/admin/pools', { name: 'Users pool' }), 201);
      const app = assertOk(
        await admin(s, 'POST', '/api/admin/apps', { userPoolId: pool.id, name: 'Users app' }),
        201,
      );
      const dave = assertOk(
        await admin(s, 'POST', '/api/admin/users', {
          userPoolId: pool.id,
          username: 'dave',
          email: ' Dave@Example.com ',
          phone: '+15550100009',
          password: 'dave-password',
          customData: { plan: 'gold' },
        }),
        201,
      );
      assert.match(dave.id, /^[0-9a-f]{24}$/);
      assert.equal(dave.userPoolId, pool.id);
      assert.equal(dave.email, 'dave@example.com', 'emails are stored trimmed and lower-case');
      assert.equal(dave.nickname, 'dave', 'the nickname defaults to the username');
      assert.equal(dave.blocked, false);
      assert.deepEqual(dave.customData, { plan: 'gold' });
      assert.equal(dave.password, undefined);
      assert.equal(dave.passwordHash, undefined);
      assert.equal(dave.token, undefined);

      assert.deepEqual(assertOk(await admin(s, 'GET', `/api/admin/users/${dave.id}`)), dave);

      for (const username of ['erin', 'frank']) {
        clock.advance(1000); // created later than the one before, whatever the speed of the machine
        assertOk(await admin(s, 'POST', '/api/admin/users', { userPoolId: pool.id, username }), 201);
      }
      const all = assertOk(await admin(s, 'GET', `/api/admin/users?userPoolId=${pool.id}`));
      assert.deepEqual(
        all.map((u: Json) => u.username),
        ['dave', 'erin', 'frank'],
      );
      const page = assertOk(await admin(s, 'GET', `/api/admin/users?userPoolId=${pool.id}&limit=1&offset=1`));
      assert.deepEqual(
        page.map((u: Json) => u.username),
        ['erin'],
      );

      const patched = assertOk(
        await admin(s, 'PATCH', `/api/admin/users/${dave.id}`, {
          nickname: 'Dave D.',
          password: 'new-dave-password',
        }),
      );
      assert.equal(patched.nickname, 'Dave D.');
      assert.equal(patched.passwordHash, undefined);
      // The new password is the one that logs in.
      const token = await loginAs(s, app.id, 'dave', 'new-dave-password');
      assert.equal(typeof token, 'string');

      assertOk(await admin(s, 'DELETE', `/api/admin/users/${dave.id}`));
      // A deleted user's token is dead everywhere.
      assert.deepEqual(assertOk(await call(s.url, 'POST', '/api/v2/token/validate', { body: { token } })), {
        active: false,
      });
      assertError(
        await appAction(s, 'scanned', (await generateFor(s, app.id)).random, token),
        'INVALID_TOKEN',
      );
      assertError(await admin(s, 'GET', `/api/admin/users/${dave.id}`), 'NOT_FOUND');
      assertError(await admin(s, 'DELETE', `/api/admin/users/${dave.id}`), 'NOT_FOUND');
    });

    test('block: the user can no longer log in or approve', async () => {
      const created = assertOk(
        await admin(s, 'POST', '/api/admin/users', {
          userPoolId: s.seed.pool.id,
          username: 'gina',
          password: 'gina-password',
        }),
        201,
      );
      const token = await loginAs(s, s.seed.app.id, 'gina', 'gina-password');
      const blocked = assertOk(await admin(s, 'PATCH', `/api/admin/users/${created.id}`, { blocked: true }));
      assert.equal(blocked.blocked, true);
      assertError(
        await call(s.url, 'POST', '/api/v2/login/account', {
          body: { account: 'gina', password: 'gina-password' },
          headers: { 'x-authing-app-id': s.seed.app.id },
        }),
        'USER_BLOCKED',
      );
      const { random } = await generateFor(s, s.seed.app.id);
      assertError(await appAction(s, 'scanned', random, token), 'USER_BLOCKED');
    });

    test('duplicates within a pool: 409 3002 on create and on PATCH; other pools are independent', async () => {
      const pool = s.seed.pool.id;
      assertError(
        await admin(s, 'POST', '/api/admin/users', { userPoolId: pool, username: 'alice' }),
        'CONFLICT',
      );
      assertError(
        await admin(s, 'POST', '/api/admin/users', {
          userPoolId: pool,
          username: 'alice2',
          email: 'ALICE@example.com',
        }),
        'CONFLICT',
      );
      assertError(
        await admin(s, 'POST', '/api/admin/users', {
          userPoolId: pool,
          username: 'alice3',
          phone: '+15550100001',
        }),
        'CONFLICT',
      );
      const bob = s.seed.users.find((u) => u.username === 'bob');
      assert.ok(bob);
      assertError(await admin(s, 'PATCH', `/api/admin/users/${bob.id}`, { username: 'alice' }), 'CONFLICT');
      assertError(
        await admin(s, 'PATCH', `/api/admin/users/${bob.id}`, { email: 'alice@example.com' }),
        'CONFLICT',
      );

      const other = assertOk(await admin(s, 'POST', '/api/admin/pools', { name: 'Elsewhere' }), 201);
      assertOk(
        await admin(s, 'POST', '/api/admin/users', {
          userPoolId: other.id,
          username: 'alice',
          email: 'alice@example.com',
        }),
        201,
      );
    });

    test('usernames that differ only by case are one name (issue 13): 409 on create and PATCH; kept as written; login finds it in any case', async () => {
      const pool = s.seed.pool.id;
      for (const username of ['Alice', 'ALICE', 'ａｌｉｃｅ']) {
        const r = await admin(s, 'POST', '/api/admin/users', { userPoolId: pool, username });
        assertError(r, 'CONFLICT');
        assert.match(r.body.message, /\busername\b/);
      }
      const kim = assertOk(
        await admin(s, 'POST', '/api/admin/users', {
          userPoolId: pool,
          username: 'Kim',
          password: 'kim-password',
        }),
        201,
      );
      assert.equal(kim.username, 'Kim', 'stored as written');
      const bob = s.seed.users.find((u) => u.username === 'bob')!;
      assertError(await admin(s, 'PATCH', `/api/admin/users/${bob.id}`, { username: 'KIM' }), 'CONFLICT');
      for (const account of ['kim', 'KIM', 'Kim']) {
        const token = await loginAs(s, s.seed.app.id, account, 'kim-password');
        assert.equal(jwtClaims(token).sub, kim.id, account);
      }
      // Its own name in another case is a rename, not a clash.
      assert.equal(
        assertOk(await admin(s, 'PATCH', `/api/admin/users/${kim.id}`, { username: 'KIM' })).username,
        'KIM',
      );
    });

    test('a conflict says which field clashed', async () => {
      const pool = s.seed.pool.id;
      const cases: [Json, string][] = [
        [{ username: 'alice' }, 'username'],
        [{ username: 'clash-email', email: 'alice@example.com' }, 'email'],
        [{ username: 'clash-phone', phone: '+15550100001' }, 'phone'],
      ];
      for (const [body, field] of cases) {
        const r = await admin(s, 'POST', '/api/admin/users', { userPoolId: pool, ...body });
        assertError(r, 'CONFLICT');
        assert.match(
          r.body.message,
          new RegExp(`\\b${field}\\b`),
          `message names ${field}: ${r.body.message}`,
        );
        assert.doesNotMatch(r.body.message, /pool_id/, 'no column names of the storage');
      }
    });

    // PATCH must keep the rules create applies (DirectoryService.createUser).
    const newUser = async (username: string, extra: Json = {}) =>
      assertOk(
        await admin(s, 'POST', '/api/admin/users', {
          userPoolId: s.seed.pool.id,
          username,
          password: `${username}-password`,
          ...extra,
        }),
        201,
      );

    test('PATCH cannot remove the last identifier: 400 1001', async () => {
      const hank = await newUser('hank');
      assertError(
        await admin(s, 'PATCH', `/api/admin/users/${hank.id}`, { username: null, email: null, phone: null }),
        'INVALID_REQUEST',
      );
      assert.equal(assertOk(await admin(s, 'GET', `/api/admin/users/${hank.id}`)).username, 'hank');
    });

    test('PATCH trims the username as create does (login trims the account)', async () => {
      const ian = await newUser('ian');
      const renamed = assertOk(await admin(s, 'PATCH', `/api/admin/users/${ian.id}`, { username: ' ian2 ' }));
      assert.equal(renamed.username, 'ian2');
      assert.equal(typeof (await loginAs(s, s.seed.app.id, 'ian2', 'ian-password')), 'string');
    });

    test('PATCH stores an empty email as none, so two users may both clear theirs', async () => {
      const ivy = await newUser('ivy', { email: 'ivy@example.com' });
      const jay = await newUser('jay', { email: 'jay@example.com' });
      assert.equal(
        assertOk(await admin(s, 'PATCH', `/api/admin/users/${ivy.id}`, { email: '' })).email,
        null,
      );
      assert.equal(
        assertOk(await admin(s, 'PATCH', `/api/admin/users/${jay.id}`, { email: '' })).email,
        null,
      );
    });

    test('unknown user: 404 3001; unknown pool: 404 2102', async () => {
      assertError(await admin(s, 'GET', `/api/admin/users/${MISSING}`), 'NOT_FOUND');
      assertError(await admin(s, 'PATCH', `/api/admin/users/${MISSING}`, { nickname: 'x' }), 'NOT_FOUND');
      assertError(await admin(s, 'DELETE', `/api/admin/users/${MISSING}`), 'NOT_FOUND');
      assertError(
        await admin(s, 'POST', '/api/admin/users', { userPoolId: MISSING, username: 'x' }),
        'POOL_NOT_FOUND',
      );
    });

    test('invalid input: 400 1001', async () => {
      const pool = s.seed.pool.id;
      const bad: Json[] = [
        { username: 'no-pool' },
        { userPoolId: pool },
        { userPoolId: pool, username: '  ' },
        { userPoolId: pool, username: 'shortpw', password: 'short' },
        { userPoolId: pool, username: 'typed', blocked: 'yes' },
        { userPoolId: pool, username: 'extra', isAdmin: true },
      ];
      for (const body of bad)
        assertError(await admin(s, 'POST', '/api/admin/users', body), 'INVALID_REQUEST');
      assertError(await admin(s, 'GET', '/api/admin/users'), 'INVALID_REQUEST');
      assertError(await admin(s, 'GET', `/api/admin/users?userPoolId=${pool}&limit=abc`), 'INVALID_REQUEST');
    });
  });

  describe('/api/admin/keys/rotate', () => {
    test('answers the new kid, which the JWKS then lists', async () => {
      const { kid } = assertOk(await admin(s, 'POST', '/api/admin/keys/rotate'));
      const jwks = (await (await fetch(`${s.url}/.well-known/jwks.json`)).json()) as {
        keys: { kid: string }[];
      };
      assert.ok(jwks.keys.some((k) => k.kid === kid));
    });
  });
});
