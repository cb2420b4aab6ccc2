/**
 * Tickets and tokens over HTTP: the ticket exchange (POST /api/v2/qrcode/userinfo),
 * the public keys and discovery document, token validation, and key rotation.
 * Tokens are checked the way a relying party would: jose against the JWKS.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
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
  check,
  createTenant,
  generateFor,
  jwtClaims,
  loginAs,
  startTestServer,
  type TestServer,
} from './helpers.js';

const ALLOWED_ORIGIN = 'http://localhost:3001';

/**
 * Verifies like a relying party: signature from the published JWKS (fetched
 * afresh, as after a key miss; a local set, so no fetch timeout or cache
 * timers), issuer, audience; at the server's time.
 */
async function verifyWithJwks(s: TestServer, token: string, audience: string, clock: ManualClock) {
  const jwks = createLocalJWKSet(await (await fetch(`${s.url}/.well-known/jwks.json`)).json());
  const { payload, protectedHeader } = await jwtVerify(token, jwks, {
    issuer: s.url,
    audience,
    algorithms: ['ES256'],
    currentDate: new Date(clock.now()),
  });
  return { payload, protectedHeader };
}

function exchange(s: TestServer, ticket: string, headers: Record<string, string>) {
  return call(s.url, 'POST', '/api/v2/qrcode/userinfo', { body: { ticket }, headers });
}

describe('POST /api/v2/qrcode/userinfo (ticket exchange)', () => {
  const clock = new ManualClock();
  let s: TestServer;
  let alice: string;
  let seedBasic: string;
  before(async () => {
    s = await startTestServer({ clock });
    alice = await appLogin(s);
    seedBasic = basic(s.seed.app.id, s.seed.app.secret);
  });
  after(() => s.close());

  test('with Basic appId:appSecret: the full user and a NEW website token, once', async () => {
    const { ticket } = await approvedCode(s, alice);
    const r = await exchange(s, ticket, { authorization: seedBasic });
    const user = assertOk(r);
    assert.equal(r.headers.get('cache-control'), 'no-store');
    assert.equal(user.username, 'alice');
    assert.equal(user.email, 'alice@example.com');
    assert.equal(user.userPoolId, s.seed.pool.id);
    assert.equal(user.passwordHash, undefined);
    assert.ok(Date.parse(user.tokenExpiredAt) > clock.now());

    // Not the phone's token: its own id, its own use, this app as audience.
    assert.notEqual(user.token, alice);
    const phone = jwtClaims(alice);
    const site = jwtClaims(user.token);
    assert.notEqual(site.jti, phone.jti);
    assert.equal(phone.token_use, 'app');
    assert.equal(site.token_use, 'web');
    assert.equal(site.aud, s.seed.app.id);
    assert.equal(site.sub, phone.sub);
    assert.deepEqual(site.amr, ['qr']);

    const { payload, protectedHeader } = await verifyWithJwks(s, user.token, s.seed.app.id, clock);
    assert.equal(payload.sub, user.id);
    assert.equal(protectedHeader.alg, 'ES256');

    // A ticket is good once.
    assertError(await exchange(s, ticket, { authorization: seedBasic }), 'TICKET_INVALID');
  });

  test('the same ticket redeemed twice at once: exactly one token is minted', async () => {
    const { ticket } = await approvedCode(s, alice);
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => exchange(s, ticket, { authorization: seedBasic })),
    );
    assert.equal(answers.filter((a) => a.status === 200).length, 1);
    for (const a of answers.filter((x) => x.status !== 200)) assertError(a, 'TICKET_INVALID');
  });

  test('a wrong secret, or an unknown app in the credentials: 401 2103', async () => {
    const { ticket } = await approvedCode(s, alice);
    assertError(
      await exchange(s, ticket, { authorization: basic(s.seed.app.id, 'wrong') }),
      'INVALID_APP_CREDENTIALS',
    );
    assertError(
      await exchange(s, ticket, { authorization: basic('000000000000000000000000', s.seed.app.secret) }),
      'INVALID_APP_CREDENTIALS',
    );
    // Credentials of one app while naming another.
    const t = await createTenant(s);
    assertError(
      await exchange(s, ticket, { authorization: seedBasic, 'x-authing-app-id': t.appId }),
      'INVALID_APP_CREDENTIALS',
    );
    // None of these used the ticket up.
    assertOk(await exchange(s, ticket, { authorization: seedBasic }));
  });

  test('from a browser without the secret: 401 2105 unless the app allows it, then it works', async () => {
    const created = assertOk(
      await admin(s, 'POST', '/api/admin/apps', {
        userPoolId: s.seed.pool.id,
        name: 'browser exchange',
        allowedOrigins: [ALLOWED_ORIGIN],
      }),
      201,
    );
    const { ticket } = await approvedCode(s, alice, created.id);
    const browser = { 'x-authing-app-id': created.id, origin: ALLOWED_ORIGIN };
    assertError(await exchange(s, ticket, browser), 'BROWSER_EXCHANGE_DISABLED');

    const patched = assertOk(
      await admin(s, 'PATCH', `/api/admin/apps/${created.id}`, { allowExchangeUserInfoFromBrowser: true }),
    );
    assert.equal(patched.allowExchangeUserInfoFromBrowser, true);

    // Even then, only from the app's own origins.
    assertError(
      await exchange(s, ticket, { 'x-authing-app-id': created.id, origin: 'https://evil.test' }),
      'ORIGIN_NOT_ALLOWED',
    );
    const r = await exchange(s, ticket, browser);
    const user = assertOk(r);
    assert.equal(r.headers.get('access-control-allow-origin'), ALLOWED_ORIGIN);
    assert.equal(r.headers.get('access-control-allow-credentials'), 'true');
    const { payload } = await verifyWithJwks(s, user.token, created.id, clock);
    assert.equal(payload.token_use, 'web');
    assertError(await exchange(s, ticket, browser), 'TICKET_INVALID');
  });

  test('without the secret and without naming an app: 400 2100; naming an unknown app: 404 2101', async () => {
    const { ticket } = await approvedCode(s, alice);
    assertError(await exchange(s, ticket, {}), 'APP_ID_REQUIRED');
    assertError(
      await exchange(s, ticket, { 'x-authing-app-id': '000000000000000000000000' }),
      'APP_NOT_FOUND',
    );
  });

  test("another app's ticket: 403 2247, and the rightful app can still redeem it", async () => {
    const other = assertOk(
      await admin(s, 'POST', '/api/admin/apps', { userPoolId: s.seed.pool.id, name: 'another site' }),
      201,
    );
    const { ticket } = await approvedCode(s, alice);
    assertError(
      await exchange(s, ticket, { authorization: basic(other.id, other.secret) }),
      'TICKET_OTHER_APP',
    );
    assertOk(await exchange(s, ticket, { authorization: seedBasic }));
  });

  test('an unknown or expired ticket: 400 2246; a missing one: 400 1001', async () => {
    assertError(await exchange(s, 'A'.repeat(43), { authorization: seedBasic }), 'TICKET_INVALID');
    const { ticket } = await approvedCode(s, alice);
    clock.advance(300_000);
    assertError(await exchange(s, ticket, { authorization: seedBasic }), 'TICKET_INVALID');
    assertError(
      await call(s.url, 'POST', '/api/v2/qrcode/userinfo', {
        body: {},
        headers: { authorization: seedBasic },
      }),
      'INVALID_REQUEST',
    );
    alice = await appLogin(s);
  });

  test('a user blocked between approval and exchange gets no token: 403 2004', async () => {
    const t = await createTenant(s);
    const carol = await loginAs(s, t.appId, t.username, t.password);
    const { ticket } = await approvedCode(s, carol, t.appId);
    assertOk(await admin(s, 'PATCH', `/api/admin/users/${t.userId}`, { blocked: true }));
    assertError(await exchange(s, ticket, { authorization: basic(t.appId, t.appSecret) }), 'USER_BLOCKED');
  });
});

describe('public keys and discovery', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(() => s.close());

  test('GET /.well-known/jwks.json: public EC keys only, readable from anywhere', async () => {
    const res = await fetch(`${s.url}/.well-known/jwks.json`, { headers: { origin: 'https://rp.test' } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    assert.match(res.headers.get('cache-control') ?? '', /max-age=\d+/);
    const jwks = (await res.json()) as { keys: Record<string, unknown>[] };
    assert.ok(jwks.keys.length >= 1);
    for (const key of jwks.keys) {
      assert.equal(key.kty, 'EC');
      assert.equal(key.crv, 'P-256');
      assert.equal(key.alg, 'ES256');
      assert.equal(key.use, 'sig');
      assert.equal(typeof key.kid, 'string');
      assert.equal(key.d, undefined, 'never the private part');
    }
  });

  test('GET /.well-known/openid-configuration names this server as issuer and its JWKS', async () => {
    const res = await fetch(`${s.url}/.well-known/openid-configuration`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    const doc = (await res.json()) as Record<string, unknown>;
    assert.equal(doc.issuer, s.url);
    assert.equal(doc.jwks_uri, `${s.url}/.well-known/jwks.json`);
    assert.deepEqual(doc.id_token_signing_alg_values_supported, ['ES256']);
    // The issuer in tokens is the one the document names.
    const token = await appLogin(s);
    assert.equal(jwtClaims(token).iss, doc.issuer);
    const jwksRes = await fetch(String(doc.jwks_uri));
    assert.equal(jwksRes.status, 200);
  });

  test('GET /api/v2/.well-known: the pool public config with its RSA key', async () => {
    const data = assertOk(
      await call(s.url, 'GET', '/api/v2/.well-known', { headers: { 'x-authing-app-id': s.seed.app.id } }),
    );
    assert.equal(data.userPoolId, s.seed.pool.id);
    assert.match(data.publicKey, /^-----BEGIN PUBLIC KEY-----/);
    assert.equal(data.privateKey, undefined);
  });
});

describe('POST /api/v2/token/validate', () => {
  const clock = new ManualClock();
  let s: TestServer;
  before(async () => {
    s = await startTestServer({ clock });
  });
  after(() => s.close());

  const validate = (token: unknown) => call(s.url, 'POST', '/api/v2/token/validate', { body: { token } });

  test('a good app token: active with its claims; no-store', async () => {
    const token = await appLogin(s);
    const r = await validate(token);
    const data = assertOk(r);
    assert.equal(r.headers.get('cache-control'), 'no-store');
    assert.equal(data.active, true);
    assert.equal(data.sub, s.seed.users.find((u) => u.username === 'alice')?.id);
    assert.equal(data.token_use, 'app');
    assert.equal(data.aud, s.seed.app.id);
    assert.equal(data.userpool_id, s.seed.pool.id);
  });

  test('a website token from the exchange is active too', async () => {
    const { ticket } = await approvedCode(s, await appLogin(s));
    const user = assertOk(
      await exchange(s, ticket, { authorization: basic(s.seed.app.id, s.seed.app.secret) }),
    );
    const data = assertOk(await validate(user.token));
    assert.equal(data.active, true);
    assert.equal(data.token_use, 'web');
  });

  test('garbage, a tampered signature, an expired token: active false (not an error)', async () => {
    assert.deepEqual(assertOk(await validate('garbage')), { active: false });
    const token = await appLogin(s);
    const [h, p, sig] = token.split('.') as [string, string, string];
    const flipped = `${h}.${p}.${sig.slice(0, -2)}${sig.endsWith('AA') ? 'BB' : 'AA'}`;
    assert.deepEqual(assertOk(await validate(flipped)), { active: false });
    const forged = Buffer.from(JSON.stringify({ ...jwtClaims(token), sub: 'x' })).toString('base64url');
    assert.deepEqual(assertOk(await validate(`${h}.${forged}.${sig}`)), { active: false });

    clock.advance(7 * 86400 * 1000);
    assert.deepEqual(assertOk(await validate(token)), { active: false });
  });

  test("a blocked user's token: active false", async () => {
    const t = await createTenant(s);
    const token = await loginAs(s, t.appId, t.username, t.password);
    assert.equal(assertOk(await validate(token)).active, true);
    assertOk(await admin(s, 'PATCH', `/api/admin/users/${t.userId}`, { blocked: true }));
    assert.deepEqual(assertOk(await validate(token)), { active: false });
  });

  test('the token must be a non-empty string in the body', async () => {
    assertError(await call(s.url, 'POST', '/api/v2/token/validate', { body: {} }), 'INVALID_REQUEST');
    assertError(await validate(''), 'INVALID_REQUEST');
    assertError(await validate(42), 'INVALID_REQUEST');
  });
});

describe('POST /api/admin/keys/rotate', () => {
  let s: TestServer;
  // Moved by hand past the activation delay (relying parties here verify at this clock too).
  const clock = new ManualClock(Date.now());
  before(async () => {
    s = await startTestServer({ clock });
  });
  after(() => s.close());

  test('a rotation publishes the new key at once, signs with it after the activation delay, and old tokens still verify', async () => {
    const before = await appLogin(s);
    const oldKid = decodeProtectedHeader(before).kid;
    assert.equal(typeof oldKid, 'string');

    const rotated = assertOk(await admin(s, 'POST', '/api/admin/keys/rotate'));
    assert.equal(typeof rotated.kid, 'string');
    assert.notEqual(rotated.kid, oldKid);

    const jwks = (await (await fetch(`${s.url}/.well-known/jwks.json`)).json()) as {
      keys: { kid: string }[];
    };
    assert.deepEqual(jwks.keys.map((k) => k.kid).sort(), [oldKid, rotated.kid].sort());
    // Published first, signing later: verifiers learn the key before any token names it.
    assert.equal(decodeProtectedHeader(await appLogin(s)).kid, oldKid);

    clock.advance(s.services.config.keyActivationDelay * 1000);
    const afterToken = await appLogin(s);
    assert.equal(decodeProtectedHeader(afterToken).kid, rotated.kid);

    // Both verify against the published keys (a fresh JWKS fetch, as a relying party would after a miss).
    await verifyWithJwks(s, before, s.seed.app.id, clock);
    await verifyWithJwks(s, afterToken, s.seed.app.id, clock);
    // And the server still honours the old one.
    assert.equal(
      assertOk(await call(s.url, 'POST', '/api/v2/token/validate', { body: { token: before } })).active,
      true,
    );
    const { random } = await generateFor(s, s.seed.app.id);
    assertOk(await appAction(s, 'scanned', random, before));

    // Website tokens minted now are signed with the new key.
    assertOk(await appAction(s, 'confirm', random, afterToken));
    const ticket = assertOk(await check(s, random)).ticket;
    const site = assertOk(
      await exchange(s, ticket, { authorization: basic(s.seed.app.id, s.seed.app.secret) }),
    );
    assert.equal(decodeProtectedHeader(site.token).kid, rotated.kid);
    await verifyWithJwks(s, site.token, s.seed.app.id, clock);
  });

  test('needs the admin credential: 401 3000', async () => {
    assertError(await call(s.url, 'POST', '/api/admin/keys/rotate'), 'ADMIN_AUTH_REQUIRED');
    assertError(
      await call(s.url, 'POST', '/api/admin/keys/rotate', { headers: { authorization: 'Bearer nope' } }),
      'ADMIN_AUTH_REQUIRED',
    );
  });
});
