/**
 * The app's password login (POST /api/v2/login/account) and the pool public
 * config it needs (GET /api/v2/.well-known): plain and RSA-encrypted
 * passwords, no account enumeration, throttling, blocked users.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ManualClock } from '../src/domain/clock.js';
import {
  admin,
  appAction,
  assertError,
  assertOk,
  call,
  createTenant,
  generate,
  jwtClaims,
  rsaEncrypt,
  startTestServer,
  type TestServer,
} from './helpers.js';

describe('POST /api/v2/login/account', () => {
  const clock = new ManualClock();
  let s: TestServer;
  before(async () => {
    s = await startTestServer({ clock });
  });
  after(() => s.close());

  const login = (body: unknown, headers: Record<string, string> = { 'x-authing-app-id': s.seed.app.id }) =>
    call(s.url, 'POST', '/api/v2/login/account', { body, headers });

  const publicKey = async (headers: Record<string, string> = { 'x-authing-app-id': s.seed.app.id }) =>
    assertOk(await call(s.url, 'GET', '/api/v2/.well-known', { headers })).publicKey as string;

  test('by username, email or phone: the user and an app token; no-store', async () => {
    for (const account of ['alice', 'alice@example.com', '+15550100001']) {
      const r = await login({ account, password: 'alice-demo-pass' });
      const user = assertOk(r);
      assert.equal(r.headers.get('cache-control'), 'no-store');
      assert.equal(user.username, 'alice');
      assert.equal(user.nickname, 'Alice');
      assert.equal(user.passwordHash, undefined);
      assert.equal(typeof user.tokenExpiredAt, 'string');
      const claims = jwtClaims(user.token);
      assert.equal(claims.token_use, 'app');
      assert.equal(claims.aud, s.seed.app.id);
      assert.equal(claims.sub, user.id);
      assert.equal(claims.userpool_id, s.seed.pool.id);
      assert.equal(claims.iss, s.url);
    }
  });

  test('an email is matched whatever its case', async () => {
    assertOk(await login({ account: 'Alice@Example.COM', password: 'alice-demo-pass' }));
  });

  test('an RSA-encrypted password (PKCS#1 v1.5, base64, key from /api/v2/.well-known), as the mobile SDKs send it', async () => {
    const pem = await publicKey();
    const encrypted = rsaEncrypt(pem, 'alice-demo-pass');
    assert.equal(encrypted.length, 344);
    const user = assertOk(await login({ account: 'alice', password: encrypted }));
    assert.equal(user.username, 'alice');
    // A wrong password encrypted the same way is just a wrong password.
    assertError(await login({ account: 'alice', password: rsaEncrypt(pem, 'nope') }), 'WRONG_CREDENTIALS');
    // Encrypted with another pool's key, it does not decrypt, and fails like a wrong password.
    const t = await createTenant(s);
    const foreign = await publicKey({ 'x-authing-userpool-id': t.poolId });
    assert.notEqual(foreign, pem);
    assertError(
      await login({ account: 'alice', password: rsaEncrypt(foreign, 'alice-demo-pass') }),
      'WRONG_CREDENTIALS',
    );
  });

  test('a wrong password and an unknown account get the very same 401 2002', async () => {
    const wrongPassword = await login({ account: 'bob', password: 'not-his-password' });
    const unknownAccount = await login({ account: 'nobody-here', password: 'whatever-it-is' });
    assertError(wrongPassword, 'WRONG_CREDENTIALS');
    assertError(unknownAccount, 'WRONG_CREDENTIALS');
    assert.equal(wrongPassword.status, unknownAccount.status);
    assert.deepEqual(wrongPassword.body, unknownAccount.body);
  });

  test('a user without a password, or of another pool, cannot log in here: 2002', async () => {
    const created = assertOk(
      await admin(s, 'POST', '/api/admin/users', { userPoolId: s.seed.pool.id, username: 'nopass' }),
      201,
    );
    assert.equal(created.username, 'nopass');
    assertError(await login({ account: 'nopass', password: 'anything-at-all' }), 'WRONG_CREDENTIALS');

    const t = await createTenant(s);
    assertError(await login({ account: t.username, password: t.password }), 'WRONG_CREDENTIALS');
    // Through its own app it works, and the token is for that app.
    const own = assertOk(
      await login({ account: t.username, password: t.password }, { 'x-authing-app-id': t.appId }),
    );
    assert.equal(jwtClaims(own.token).aud, t.appId);
  });

  test('after 5 failures for an account the next try gets 429 2003 with Retry-After, even with the right password', async () => {
    const t = await createTenant(s);
    const headers = { 'x-authing-app-id': t.appId };
    for (let i = 0; i < 5; i++) {
      assertError(await login({ account: t.username, password: `wrong-${i}` }, headers), 'WRONG_CREDENTIALS');
    }
    const blocked = await login({ account: t.username, password: t.password }, headers);
    assertError(blocked, 'TOO_MANY_LOGIN_ATTEMPTS');
    const retryAfter = Number(blocked.headers.get('retry-after'));
    assert.ok(
      Number.isInteger(retryAfter) && retryAfter >= 1,
      `Retry-After: ${blocked.headers.get('retry-after')}`,
    );
    // The same account under another spelling is the same account.
    assertError(
      await login({ account: t.username.toUpperCase(), password: t.password }, headers),
      'TOO_MANY_LOGIN_ATTEMPTS',
    );

    // Other accounts are not affected.
    assertOk(await login({ account: 'bob', password: 'bob-demo-pass' }));

    // Once the wait is over, the right password works again.
    clock.advance(retryAfter * 1000);
    assertOk(await login({ account: t.username, password: t.password }, headers));
  });

  test('50 parallel wrong passwords (issue 13): 5 are evaluated (401 2002), 45 refused unevaluated (429 2003, Retry-After)', async () => {
    const t = await createTenant(s);
    const headers = { 'x-authing-app-id': t.appId };
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => login({ account: t.username, password: `wrong-${i}` }, headers)),
    );
    const codes = answers.map((a) => a.body.code);
    assert.equal(codes.filter((c) => c === 2002).length, 5, codes.join(' '));
    assert.equal(codes.filter((c) => c === 2003).length, 45, codes.join(' '));
    for (const a of answers.filter((x) => x.body.code === 2003)) {
      assertError(a, 'TOO_MANY_LOGIN_ATTEMPTS');
      assert.ok(Number(a.headers.get('retry-after')) >= 1);
    }
  });

  test('a blocked user: 403 2004 with the right password; unblocked, it works again', async () => {
    const t = await createTenant(s);
    const headers = { 'x-authing-app-id': t.appId };
    assertOk(await admin(s, 'PATCH', `/api/admin/users/${t.userId}`, { blocked: true }));
    assertError(await login({ account: t.username, password: t.password }, headers), 'USER_BLOCKED');
    // A wrong password stays a wrong password (blocking reveals nothing without the password).
    assertError(
      await login({ account: t.username, password: 'wrong-password' }, headers),
      'WRONG_CREDENTIALS',
    );
    assertOk(await admin(s, 'PATCH', `/api/admin/users/${t.userId}`, { blocked: false }));
    const token = assertOk(await login({ account: t.username, password: t.password }, headers)).token;
    const { random } = await (async () => {
      const r = await call(s.url, 'POST', '/api/v2/qrcode/gene', { body: { scene: 'APP_AUTH' }, headers });
      return assertOk(r);
    })();
    assertOk(await appAction(s, 'scanned', random, token));
  });

  test('naming the pool instead of an app: the token audience is the pool', async () => {
    const user = assertOk(
      await login(
        { account: 'alice', password: 'alice-demo-pass' },
        { 'x-authing-userpool-id': s.seed.pool.id },
      ),
    );
    assert.equal(jwtClaims(user.token).aud, s.seed.pool.id);
    // Such a token can drive the QR calls of its pool.
    const { random } = await generate(s);
    assertOk(await appAction(s, 'scanned', random, user.token));
  });

  test('naming nothing is 400 2100; an unknown app 404 2101; an unknown pool 404 2102', async () => {
    const body = { account: 'alice', password: 'alice-demo-pass' };
    assertError(await login(body, {}), 'APP_ID_REQUIRED');
    assertError(await login(body, { 'x-authing-app-id': '000000000000000000000000' }), 'APP_NOT_FOUND');
    assertError(await login(body, { 'x-authing-userpool-id': '000000000000000000000000' }), 'POOL_NOT_FOUND');
  });

  test('account and password are required non-empty strings', async () => {
    for (const body of [
      {},
      { account: 'alice' },
      { password: 'x' },
      { account: '', password: 'x' },
      { account: 1, password: 'x' },
    ]) {
      assertError(await login(body), 'INVALID_REQUEST');
    }
  });
});

describe('GET /api/v2/.well-known', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(() => s.close());

  test("the app's pool, a named pool, or the default pool", async () => {
    const byApp = assertOk(
      await call(s.url, 'GET', '/api/v2/.well-known', { headers: { 'x-authing-app-id': s.seed.app.id } }),
    );
    assert.equal(byApp.userPoolId, s.seed.pool.id);
    assert.equal(byApp.name, 'Default pool');
    assert.match(byApp.publicKey, /^-----BEGIN PUBLIC KEY-----\n/);

    const byDefault = assertOk(await call(s.url, 'GET', '/api/v2/.well-known'));
    assert.deepEqual(byDefault, byApp);

    const t = await createTenant(s);
    const byPool = assertOk(
      await call(s.url, 'GET', '/api/v2/.well-known', { headers: { 'x-authing-userpool-id': t.poolId } }),
    );
    assert.equal(byPool.userPoolId, t.poolId);
    assert.notEqual(byPool.publicKey, byApp.publicKey);
  });

  test('an unknown app: 404 2101; an unknown pool: 404 2102', async () => {
    assertError(
      await call(s.url, 'GET', '/api/v2/.well-known', {
        headers: { 'x-authing-app-id': '000000000000000000000000' },
      }),
      'APP_NOT_FOUND',
    );
    assertError(
      await call(s.url, 'GET', '/api/v2/.well-known', {
        headers: { 'x-authing-userpool-id': '000000000000000000000000' },
      }),
      'POOL_NOT_FOUND',
    );
  });
});
