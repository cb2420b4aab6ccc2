/**
 * Mitigations 4, 7 and 10 of docs/security.md on a live server: rotating
 * public ids while a page waits, signed QR payloads, and the web sessions
 * born of QR logins that the user lists and revokes from the app.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../src/domain/clock.js';
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
} from './helpers.js';

const publicIdOf = (payload: string): string => JSON.parse(payload).random;

describe('rotating public ids: the page keeps its code, the picture changes', () => {
  const clock = new ManualClock();
  let s: TestServer;
  let t: Tenant;
  let token: string;
  let page: CookieJar;
  before(async () => {
    s = await startTestServer({ clock });
    t = await createTenant(s, {}, undefined, { rotateQrEvery: 20 });
    token = await loginAs(s, t.appId, t.username, t.password);
  });
  after(() => s.close());

  const gene = (body: Record<string, unknown> = { rotate: true }, jar?: CookieJar) =>
    call(s.url, 'POST', '/api/v2/qrcode/gene', {
      body,
      headers: { 'x-authing-app-id': t.appId },
      ...(jar ? { jar } : {}),
    });
  const rotate = (random: string, jar: CookieJar | false) =>
    call(s.url, 'POST', '/api/v2/qrcode/rotate', { body: { random }, jar });

  it('a rotating code shows a public id, never the key the page polls with', async () => {
    page = new CookieJar();
    const code = assertOk(await gene({ rotate: true }, page));
    const publicId = publicIdOf(code.payload);
    assert.notEqual(publicId, code.random);
    assert.equal(code.rotatesIn, 20);
    await verifyQrSignature(s, code.payload);
    // The payload's expiry is the public id's: apps refuse a picture older than one period.
    const p = JSON.parse(code.payload);
    assert.equal(Date.parse(p.expireAt) - Date.parse(p.createdAt), 20_000);
    // The page's key does not work on the phone side.
    assertError(await appAction(s, 'scanned', code.random, token), 'QR_NOT_FOUND');
  });

  it('rotation gives a new id; the old one stops working at once; the login still completes', async () => {
    page = new CookieJar();
    const code = assertOk(await gene({ rotate: true }, page));
    const first = publicIdOf(code.payload);
    clock.advance(19_000);
    const next = assertOk(await rotate(code.random, page));
    const second = publicIdOf(next.payload);
    assert.equal(next.random, code.random, 'the session behind it lives on');
    assert.notEqual(second, first);
    assert.equal(next.rotatesIn, 20);
    await verifyQrSignature(s, next.payload);

    assertError(await appAction(s, 'scanned', first, token), 'QR_NOT_FOUND');
    const scanned = assertOk(await appAction(s, 'scanned', second, token));
    assert.equal(scanned.random, second, 'the phone keeps talking about the id it scanned');
    assertError(await rotate(code.random, page), 'QR_WRONG_STATE');
    assertOk(await appAction(s, 'confirm', second, token));
    const seen = assertOk(
      await call(s.url, 'GET', `/api/v2/qrcode/check?random=${code.random}`, { jar: page }),
    );
    assert.equal(seen.status, 2);
    assert.equal(typeof seen.ticket, 'string');
  });

  it('only the browser that asked may rotate; a code without rotation cannot', async () => {
    page = new CookieJar();
    const code = assertOk(await gene({ rotate: true }, page));
    assertError(await rotate(code.random, false), 'BINDING_MISMATCH');
    assertError(await rotate(code.random, new CookieJar()), 'BINDING_MISMATCH');
    const plain = assertOk(await gene({}, page));
    assert.equal(plain.rotatesIn, null);
    assert.equal(publicIdOf(plain.payload), plain.random, 'the stock SDK keeps one id');
    assertError(await rotate(plain.random, page), 'QR_WRONG_STATE');
    assertError(await rotate('no-such-code', page), 'QR_NOT_FOUND');
  });

  it('a picture left behind by a page that stopped rotating is refused', async () => {
    page = new CookieJar();
    const code = assertOk(await gene({ rotate: true }, page));
    clock.advance(20_000);
    assertError(await appAction(s, 'scanned', publicIdOf(code.payload), token), 'QR_CODE_REPLACED');
    // The page itself can still rotate and be scanned.
    const next = assertOk(await rotate(code.random, page));
    assertOk(await appAction(s, 'scanned', publicIdOf(next.payload), token));
  });

  it('the last public id ends with the code itself', async () => {
    page = new CookieJar();
    const code = assertOk(await gene({ rotate: true }, page));
    clock.advance(110_000);
    const last = assertOk(await rotate(code.random, page));
    assert.equal(last.rotatesIn, null, 'no rotation after the code expires');
    assert.equal(last.expiresIn, 10);
    clock.advance(10_000);
    assertError(await rotate(code.random, page), 'QR_EXPIRED');
  });

  it('pools can turn rotation off; admins see and validate the setting', async () => {
    const pool = assertOk(await admin(s, 'PATCH', `/api/admin/pools/${t.poolId}`, { rotateQrEvery: 0 }));
    assert.equal(pool.rotateQrEvery, 0);
    const code = assertOk(await gene({ rotate: true }, new CookieJar()));
    assert.equal(code.rotatesIn, null);
    assert.equal(publicIdOf(code.payload), code.random);
    assertError(
      await admin(s, 'PATCH', `/api/admin/pools/${t.poolId}`, { rotateQrEvery: 3 }),
      'INVALID_REQUEST',
    );
    assertOk(await admin(s, 'PATCH', `/api/admin/pools/${t.poolId}`, { rotateQrEvery: 20 }));
  });
});

describe('web sessions born of QR logins: listed and revoked from the app', () => {
  // Moved by hand: sessions are ordered by when they began, which must not depend on how fast the logins ran.
  const clock = new ManualClock();
  let s: TestServer;
  let t: Tenant;
  let token: string;
  before(async () => {
    s = await startTestServer({ clock, env: { TRUST_PROXY: '1' } });
    t = await createTenant(s, { allowedOrigins: ['https://shop.example'] });
    token = await loginAs(s, t.appId, t.username, t.password);
  });
  after(() => s.close());

  /** One whole QR login from a browser at `ip`; the website redeems the ticket with its secret. */
  const qrLogin = async (ip = '81.2.69.160'): Promise<{ token: string; claims: Json }> => {
    const jar = new CookieJar();
    const code = assertOk(
      await call(s.url, 'POST', '/api/v2/qrcode/gene', {
        body: {},
        headers: { 'x-authing-app-id': t.appId, origin: 'https://shop.example', 'x-forwarded-for': ip },
        jar,
      }),
    );
    assertOk(await appAction(s, 'scanned', code.random, token));
    assertOk(await appAction(s, 'confirm', code.random, token));
    const { ticket } = assertOk(
      await call(s.url, 'GET', `/api/v2/qrcode/check?random=${code.random}`, { jar }),
    );
    const user = assertOk(
      await call(s.url, 'POST', '/api/v2/qrcode/userinfo', {
        body: { ticket },
        headers: { authorization: basic(t.appId, t.appSecret) },
      }),
    );
    return { token: user.token, claims: jwtClaims(user.token) };
  };
  const validate = async (webToken: string) =>
    assertOk(await call(s.url, 'POST', '/api/v2/token/validate', { body: { token: webToken } })).active;
  const sessions = async (appToken = token) =>
    assertOk(
      await call(s.url, 'GET', '/api/v2/qrcode/web-sessions', {
        headers: { authorization: `Bearer ${appToken}` },
      }),
    ) as Json[];
  const revoke = (id?: string, appToken = token) =>
    call(s.url, 'DELETE', `/api/v2/qrcode/web-sessions${id ? `/${id}` : ''}`, {
      headers: { authorization: `Bearer ${appToken}` },
    });

  it('each login opens its own session, with its own id and lifetime, listed with site and place', async () => {
    const a = await qrLogin();
    clock.advance(1000);
    const b = await qrLogin();
    assert.match(a.claims.sid, /^ws_/);
    assert.notEqual(a.claims.sid, b.claims.sid);
    const list = await sessions();
    const mine = list.find((w) => w.id === a.claims.sid);
    assert.ok(mine, 'the session is listed');
    assert.equal(mine.app.id, t.appId);
    assert.equal(mine.origin, 'https://shop.example');
    assert.equal(mine.ip, '81.2.69.160');
    assert.equal(mine.place, 'United Kingdom');
    assert.equal(
      Math.floor(Date.parse(mine.expiresAt) / 1000),
      a.claims.exp,
      'the token ends with its session',
    );
    assert.equal(list[0].id, b.claims.sid, 'newest first');
    assert.equal(await validate(a.token), true);
  });

  it('revoking one session fails its tokens at once and leaves the others', async () => {
    const a = await qrLogin();
    const b = await qrLogin();
    assertOk(await revoke(a.claims.sid));
    assert.equal(await validate(a.token), false);
    assert.equal(await validate(b.token), true);
    assert.ok(!(await sessions()).some((w) => w.id === a.claims.sid));
    assertError(await revoke(a.claims.sid), 'WEB_SESSION_NOT_FOUND');
  });

  it('another user cannot see or revoke my sessions; a website token cannot manage sessions', async () => {
    const a = await qrLogin();
    const other = await createTenant(s);
    const otherToken = await loginAs(s, other.appId, other.username, other.password);
    assert.deepEqual(await sessions(otherToken), []);
    assertError(await revoke(a.claims.sid, otherToken), 'WEB_SESSION_NOT_FOUND');
    assert.equal(await validate(a.token), true);
    assertError(await revoke(a.claims.sid, a.token), 'INVALID_TOKEN');
    assertError(
      await call(s.url, 'GET', '/api/v2/qrcode/web-sessions', {
        headers: { authorization: `Bearer ${a.token}` },
      }),
      'INVALID_TOKEN',
    );
  });

  it('"sign out everywhere" revokes every session of the user', async () => {
    const a = await qrLogin();
    const b = await qrLogin();
    const answer = assertOk(await revoke());
    assert.ok(answer.revoked >= 2);
    assert.equal(await validate(a.token), false);
    assert.equal(await validate(b.token), false);
    assert.deepEqual(await sessions(), []);
    assert.equal(assertOk(await revoke()).revoked, 0);
  });

  it('admins list a user’s sessions and end them all (remediation after an attack)', async () => {
    const a = await qrLogin();
    const listed = assertOk(await admin(s, 'GET', `/api/admin/users/${t.userId}/web-sessions`)) as Json[];
    assert.ok(listed.some((w) => w.id === a.claims.sid));
    assert.equal(assertOk(await admin(s, 'DELETE', `/api/admin/users/${t.userId}/web-sessions`)).revoked, 1);
    assert.equal(await validate(a.token), false);
    assertError(await admin(s, 'GET', '/api/admin/users/000000000000000000000000/web-sessions'), 'NOT_FOUND');
  });

  it('a page reading the full user on every check stays one session', async () => {
    const full = await createTenant(s, { returnFullUserInfo: true });
    const fullToken = await loginAs(s, full.appId, full.username, full.password);
    const jar = new CookieJar();
    const code = assertOk(
      await call(s.url, 'POST', '/api/v2/qrcode/gene', {
        body: {},
        headers: { 'x-authing-app-id': full.appId },
        jar,
      }),
    );
    assertOk(await appAction(s, 'scanned', code.random, fullToken));
    assertOk(await appAction(s, 'confirm', code.random, fullToken));
    const read = async () =>
      assertOk(await call(s.url, 'GET', `/api/v2/qrcode/check?random=${code.random}`, { jar })).userInfo
        .token;
    const sids = new Set([jwtClaims(await read()).sid, jwtClaims(await read()).sid]);
    assert.equal(sids.size, 1);
    assert.equal((await sessions(fullToken)).length, 1);
  });

  it('a signed QR code never passes as a token', async () => {
    const code = assertOk(
      await call(s.url, 'POST', '/api/v2/qrcode/gene', {
        body: {},
        headers: { 'x-authing-app-id': t.appId },
      }),
    );
    const sig = JSON.parse(code.payload).sig;
    assert.equal(await validate(sig), false);
    assertError(await appAction(s, 'scanned', code.random, sig), 'INVALID_TOKEN');
    assert.equal((await check(s, code.random)).status, 200);
  });
});
