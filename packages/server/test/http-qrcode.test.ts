/**
 * The QR endpoints over HTTP: generate, check, image, and the app's three
 * calls (scanned / confirm / cancel), against a live server.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import jsqr from 'jsqr';
import { PNG } from 'pngjs';
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
  generate,
  generateFor,
  type Json,
  jwtClaims,
  loginAs,
  startTestServer,
  type TestServer,
  verifyQrSignature,
} from './helpers.js';

const ALLOWED_ORIGIN = 'http://localhost:3001';

describe('POST /api/v2/qrcode/gene', () => {
  // Frozen: a lifetime answered in whole seconds is exact however long the request took.
  const clock = new ManualClock();
  let s: TestServer;
  before(async () => {
    s = await startTestServer({ clock });
  });
  after(() => s.close());

  const gene = (body: unknown, headers: Record<string, string> = { 'x-authing-app-id': s.seed.app.id }) =>
    call(s.url, 'POST', '/api/v2/qrcode/gene', { body, headers });

  test('answers a fresh code: random, image url, lifetime and the payload text', async () => {
    const r = await gene({ scene: 'APP_AUTH' });
    const data = assertOk(r);
    assert.match(data.random, /^[A-Za-z0-9_-]{16,}$/, 'URL-safe: the SDK does not encode it');
    assert.equal(data.url, `${s.url}/api/v2/qrcode/image/${data.random}.png`);
    assert.equal(data.expiresIn, 120);
    assert.equal(r.headers.get('cache-control'), 'no-store');

    const payload = JSON.parse(data.payload);
    assert.deepEqual(Object.keys(payload), [
      'scene',
      'random',
      'userPoolId',
      'createdAt',
      'expireAt',
      'customData',
      'sig',
    ]);
    await verifyQrSignature(s, data.payload);
    assert.equal(payload.scene, 'APP_AUTH');
    assert.equal(payload.random, data.random);
    assert.equal(payload.userPoolId, s.seed.pool.id);
    assert.deepEqual(payload.customData, {});
    assert.equal(Date.parse(payload.expireAt) - Date.parse(payload.createdAt), 120_000);
  });

  test('every body field is optional, so a POST without a body is a plain request for a code', async () => {
    // The route reads `request.body?.…`: a body-less POST (curl, server-side callers) is meant to work.
    const r = await call(s.url, 'POST', '/api/v2/qrcode/gene', {
      headers: { 'x-authing-app-id': s.seed.app.id },
    });
    assertOk(r);
    assertOk(await gene({}));
  });

  test('every code gets its own random', async () => {
    const randoms = new Set<string>();
    for (let i = 0; i < 5; i++) randoms.add((await generate(s)).random);
    assert.equal(randoms.size, 5);
  });

  test('accepts the exact body the real SDK sends, custom data in `params`', async () => {
    const data = assertOk(
      await gene({
        autoMergeQrCode: false,
        scene: 'APP_AUTH',
        context: { source: 'test' },
        params: { orderId: 'A-17', nested: { n: 1 } },
        withCustomData: true,
        extIdpConnId: null,
      }),
    );
    assert.deepEqual(JSON.parse(data.payload).customData, { orderId: 'A-17', nested: { n: 1 } });
  });

  test('also takes custom data as `customData`', async () => {
    const data = assertOk(await gene({ scene: 'APP_AUTH', customData: { k: 'v' } }));
    assert.deepEqual(JSON.parse(data.payload).customData, { k: 'v' });
  });

  test('custom data may be up to 512 bytes of JSON, not one more', async () => {
    // {"x":"..."} is 8 bytes of framing around the string.
    const exact = { x: 'a'.repeat(512 - 8) };
    assert.equal(Buffer.byteLength(JSON.stringify(exact)), 512);
    assertOk(await gene({ scene: 'APP_AUTH', params: exact }));

    const over = { x: 'a'.repeat(512 - 7) };
    assertError(await gene({ scene: 'APP_AUTH', params: over }), 'INVALID_REQUEST');
    // Bytes, not characters: 200 three-byte characters are 600 bytes.
    assertError(await gene({ scene: 'APP_AUTH', params: { x: '€'.repeat(200) } }), 'INVALID_REQUEST');
  });

  test('an origin the app does not list is refused with 403 2104', async () => {
    const r = await gene(
      { scene: 'APP_AUTH' },
      { 'x-authing-app-id': s.seed.app.id, origin: 'https://evil.test' },
    );
    assertError(r, 'ORIGIN_NOT_ALLOWED');
    const ok = await gene(
      { scene: 'APP_AUTH' },
      { 'x-authing-app-id': s.seed.app.id, origin: ALLOWED_ORIGIN },
    );
    assertOk(ok);
  });

  test('the app must be named and must exist', async () => {
    assertError(await gene({ scene: 'APP_AUTH' }, {}), 'APP_ID_REQUIRED');
    assertError(
      await gene({ scene: 'APP_AUTH' }, { 'x-authing-app-id': '000000000000000000000000' }),
      'APP_NOT_FOUND',
    );
  });

  test('only the APP_AUTH scene exists; wrong types are refused', async () => {
    assertError(await gene({ scene: 'WXAPP_AUTH' }), 'INVALID_REQUEST');
    assertError(await gene({ scene: 'APP_AUTH', params: 'not an object' }), 'INVALID_REQUEST');
    assertError(await gene({ scene: 'APP_AUTH', autoMergeQrCode: 'no' }), 'INVALID_REQUEST');
  });

  test("an app's lifetime setting is what the code gets", async () => {
    const created = assertOk(
      await admin(s, 'POST', '/api/admin/apps', {
        userPoolId: s.seed.pool.id,
        name: 'short',
        qrcodeExpiresAfter: 30,
      }),
      201,
    );
    const data = await generateFor(s, created.id);
    assert.equal(data.expiresIn, 30);
    const payload = JSON.parse(data.payload);
    assert.equal(Date.parse(payload.expireAt) - Date.parse(payload.createdAt), 30_000);
  });
});

describe('GET /api/v2/qrcode/check', () => {
  const clock = new ManualClock();
  let s: TestServer;
  let alice: string;
  before(async () => {
    s = await startTestServer({ clock });
    alice = await appLogin(s);
  });
  after(() => s.close());

  test('status 0 before anybody scans: no ticket, no user', async () => {
    const { random } = await generate(s);
    const r = await check(s, random);
    const { seq, ...rest } = assertOk(r);
    assert.deepEqual(rest, { random, status: 0, ticket: null, userInfo: null, expiresIn: 120 });
    assert.equal(seq, 0);
    assert.equal(r.headers.get('cache-control'), 'no-store');
  });

  test('status 1 after the scan: only the nickname and photo of the scanner', async () => {
    const { random } = await generate(s);
    assertOk(await appAction(s, 'scanned', random, alice));
    const data = assertOk(await check(s, random));
    assert.equal(data.status, 1);
    assert.equal(data.ticket, null);
    assert.deepEqual(Object.keys(data.userInfo).sort(), ['nickname', 'photo']);
    assert.equal(data.userInfo.nickname, 'Alice');
    assert.match(data.userInfo.photo, /^data:image\/svg\+xml;base64,/);
  });

  test('status 2 after approval: a ticket, and still only nickname and photo by default', async () => {
    const { random, ticket } = await approvedCode(s, alice);
    const r = await check(s, random);
    const data = assertOk(r);
    assert.equal(data.status, 2);
    assert.equal(data.ticket, ticket);
    assert.match(ticket, /^[A-Za-z0-9_-]{32,}$/);
    assert.deepEqual(Object.keys(data.userInfo).sort(), ['nickname', 'photo']);
    assert.equal(data.expiresIn, 0);
    assert.equal(r.headers.get('cache-control'), 'no-store');
  });

  test('status 2 no longer shows the ticket once it was redeemed', async () => {
    const { random, ticket } = await approvedCode(s, alice);
    assertOk(
      await call(s.url, 'POST', '/api/v2/qrcode/userinfo', {
        body: { ticket },
        headers: { authorization: basic(s.seed.app.id, s.seed.app.secret) },
      }),
    );
    const data = assertOk(await check(s, random));
    assert.equal(data.status, 2);
    assert.equal(data.ticket, null);
  });

  test('status 3 after the user cancels: nothing about the user', async () => {
    const { random } = await generate(s);
    assertOk(await appAction(s, 'scanned', random, alice));
    assertOk(await appAction(s, 'cancel', random, alice));
    const { seq, ...rest } = assertOk(await check(s, random));
    assert.deepEqual(rest, { random, status: 3, ticket: null, userInfo: null, expiresIn: 0 });
    assert.equal(seq, 2, 'two changes: scanned, cancelled');
  });

  test('status -1 once the lifetime is over, for a pending and for a scanned code', async () => {
    const pending = await generate(s);
    const scanned = await generate(s);
    assertOk(await appAction(s, 'scanned', scanned.random, alice));

    clock.advance(120_000 - 1);
    assert.equal(assertOk(await check(s, pending.random)).status, 0);
    assert.equal(assertOk(await check(s, pending.random)).expiresIn, 1);
    assert.equal(assertOk(await check(s, scanned.random)).status, 1);

    clock.advance(1);
    const { seq: _seq, ...rest } = assertOk(await check(s, pending.random));
    assert.deepEqual(rest, {
      random: pending.random,
      status: -1,
      ticket: null,
      userInfo: null,
      expiresIn: 0,
    });
    const late = assertOk(await check(s, scanned.random));
    assert.equal(late.status, -1);
    assert.equal(late.userInfo, null, 'an expired code tells nothing about who scanned it');
  });

  test('an approved code stays approved after its display lifetime', async () => {
    const { random, ticket } = await approvedCode(s, alice);
    clock.advance(120_000);
    const data = assertOk(await check(s, random));
    assert.equal(data.status, 2);
    assert.equal(data.ticket, ticket);
  });

  test('returnFullUserInfo: at status 2 the whole user with a website token; at 1 still the preview', async () => {
    const app = assertOk(
      await admin(s, 'POST', '/api/admin/apps', {
        userPoolId: s.seed.pool.id,
        name: 'full user info',
        returnFullUserInfo: true,
      }),
      201,
    );
    const { random } = await generateFor(s, app.id);
    assertOk(await appAction(s, 'scanned', random, alice));
    assert.deepEqual(Object.keys(assertOk(await check(s, random)).userInfo).sort(), ['nickname', 'photo']);
    assertOk(await appAction(s, 'confirm', random, alice));

    const data = assertOk(await check(s, random));
    assert.equal(data.status, 2);
    assert.equal(typeof data.ticket, 'string');
    const user = data.userInfo;
    assert.equal(user.username, 'alice');
    assert.equal(user.email, 'alice@example.com');
    assert.equal(user.phone, '+15550100001');
    assert.equal(user.userPoolId, s.seed.pool.id);
    assert.equal(user.nickname, 'Alice');
    assert.equal(typeof user.token, 'string');
    assert.equal(user.passwordHash, undefined);
    assert.equal(user.password, undefined);
    const claims = jwtClaims(user.token);
    assert.equal(claims.token_use, 'web');
    assert.equal(claims.aud, app.id);
    assert.notEqual(user.token, alice, "never the phone's own token");

    // Once the ticket is redeemed, the check hands out no more tokens.
    assertOk(
      await call(s.url, 'POST', '/api/v2/qrcode/userinfo', {
        body: { ticket: data.ticket },
        headers: { authorization: basic(app.id, app.secret) },
      }),
    );
    const after = assertOk(await check(s, random));
    assert.equal(after.ticket, null);
    assert.deepEqual(Object.keys(after.userInfo).sort(), ['nickname', 'photo']);
  });

  test('status 2 shows the ticket only while it can be redeemed (300 s by default)', async () => {
    const { random, ticket } = await approvedCode(s, alice);
    clock.advance(300_000 - 1);
    assert.equal(assertOk(await check(s, random)).ticket, ticket);
    clock.advance(1);
    const data = assertOk(await check(s, random));
    assert.equal(data.status, 2);
    assert.equal(data.ticket, null, 'an expired ticket is not shown');
  });

  test('returnFullUserInfo hands out no token once the ticket has expired (the random is public: it is in the QR image)', async () => {
    const app = assertOk(
      await admin(s, 'POST', '/api/admin/apps', {
        userPoolId: s.seed.pool.id,
        name: 'full user info, late poll',
        returnFullUserInfo: true,
      }),
      201,
    );
    const { random } = await approvedCode(s, alice, app.id);
    assert.equal(typeof assertOk(await check(s, random)).userInfo.token, 'string');
    clock.advance(3600_000);
    const late = assertOk(await check(s, random));
    assert.equal(late.status, 2);
    assert.equal(
      late.userInfo?.token,
      undefined,
      'an hour after approval, anyone polling the code must not get a login token',
    );
    assert.equal(late.ticket, null);
    alice = await appLogin(s);
  });

  test('an unknown code is 404 2241; a missing or oversized random is 400 1001', async () => {
    assertError(await check(s, 'AAAAAAAAAAAAAAAAAAAAAA'), 'QR_NOT_FOUND');
    assertError(await call(s.url, 'GET', '/api/v2/qrcode/check'), 'INVALID_REQUEST');
    assertError(await call(s.url, 'GET', '/api/v2/qrcode/check?random='), 'INVALID_REQUEST');
    assertError(await check(s, 'a'.repeat(129)), 'INVALID_REQUEST');
  });
});

describe('GET /api/v2/qrcode/image/:random.(png|svg)', () => {
  const clock = new ManualClock();
  let s: TestServer;
  before(async () => {
    s = await startTestServer({ clock });
  });
  after(() => s.close());

  test('the PNG at the generated url holds the payload, freshly signed, and is readable from any origin', async () => {
    const data = await generateFor(s, s.seed.app.id, { params: { hello: 'world' } });
    const res = await fetch(data.url, { headers: { origin: 'https://any-site.test' } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'image/png');
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    assert.equal(res.headers.get('access-control-allow-credentials'), null);
    assert.equal(res.headers.get('cache-control'), 'no-store');

    const png = PNG.sync.read(Buffer.from(await res.arrayBuffer()));
    // jsqr is CommonJS: under NodeNext its default export is the `default` property of the module.
    const decoded = jsqr.default(new Uint8ClampedArray(png.data), png.width, png.height);
    assert.ok(decoded, 'the image is a readable QR code');
    // ECDSA signatures are randomised: the image carries its own signature of the same claims.
    const { sig: _a, ...inImage } = JSON.parse(decoded.data);
    const { sig: _b, ...answered } = JSON.parse(data.payload);
    assert.deepEqual(inImage, answered);
    await verifyQrSignature(s, decoded.data);
    assert.equal(inImage.customData.hello, 'world');
  });

  test('the SVG beside it, also with Access-Control-Allow-Origin: *', async () => {
    const { random } = await generate(s);
    const res = await fetch(`${s.url}/api/v2/qrcode/image/${random}.svg`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^image\/svg\+xml/);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    const text = await res.text();
    assert.match(text, /<svg[\s>]/);
    assert.match(text, /<\/svg>\s*$/);
  });

  test('410 2242 once the code is no longer pending: scanned, or expired', async () => {
    const alice = await appLogin(s);
    const scanned = await generate(s);
    assertOk(await appAction(s, 'scanned', scanned.random, alice));
    const r1 = await call(s.url, 'GET', `/api/v2/qrcode/image/${scanned.random}.png`);
    assertError(r1, 'QR_EXPIRED');
    assert.equal(r1.headers.get('access-control-allow-origin'), '*');

    const old = await generate(s);
    clock.advance(120_000);
    assertError(await call(s.url, 'GET', `/api/v2/qrcode/image/${old.random}.png`), 'QR_EXPIRED');
    assertError(await call(s.url, 'GET', `/api/v2/qrcode/image/${old.random}.svg`), 'QR_EXPIRED');
  });

  test('an unknown code is 404 2241; another extension is 400 1001', async () => {
    assertError(await call(s.url, 'GET', '/api/v2/qrcode/image/AAAAAAAAAAAAAAAAAAAAAA.png'), 'QR_NOT_FOUND');
    const { random } = await generate(s);
    assertError(await call(s.url, 'GET', `/api/v2/qrcode/image/${random}.gif`), 'INVALID_REQUEST');
    assertError(await call(s.url, 'GET', `/api/v2/qrcode/image/${random}`), 'INVALID_REQUEST');
  });
});

describe('POST /api/v2/qrcode/scanned, /confirm, /cancel', () => {
  const clock = new ManualClock();
  let s: TestServer;
  let alice: string;
  let bob: string;
  before(async () => {
    s = await startTestServer({ clock });
    alice = await appLogin(s, 'alice');
    bob = await appLogin(s, 'bob');
  });
  after(() => s.close());

  test('the bare token (Objective-C sample) and `Bearer <token>` (SDKs) both work', async () => {
    const { random } = await generate(s);
    const scanned = await appAction(s, 'scanned', random, alice);
    assert.deepEqual(assertOk(scanned), {
      random,
      status: 1,
      description: 'Scanned; waiting for the user to decide',
    });
    const confirmed = await appAction(s, 'confirm', random, alice, { bearer: true });
    assert.deepEqual(assertOk(confirmed), { random, status: 2, description: 'Authorized' });
    assert.equal(confirmed.headers.get('cache-control'), 'no-store');

    const other = await generate(s);
    assertOk(await appAction(s, 'scanned', other.random, alice, { bearer: true }));
    assert.deepEqual(assertOk(await appAction(s, 'cancel', other.random, alice)), {
      random: other.random,
      status: 3,
      description: 'Cancelled by the user',
    });
  });

  test('a repeated scan by the same user is harmless', async () => {
    const { random } = await generate(s);
    assertOk(await appAction(s, 'scanned', random, alice));
    const again = assertOk(await appAction(s, 'scanned', random, alice, { bearer: true }));
    assert.equal(again.status, 1);
    assertOk(await appAction(s, 'confirm', random, alice));
  });

  test('once Alice scanned, Bob can neither scan, confirm nor cancel: 403 2244', async () => {
    const { random } = await generate(s);
    assertOk(await appAction(s, 'scanned', random, alice));
    assertError(await appAction(s, 'scanned', random, bob), 'QR_SCANNED_BY_OTHER');
    assertError(await appAction(s, 'confirm', random, bob), 'QR_SCANNED_BY_OTHER');
    assertError(await appAction(s, 'cancel', random, bob), 'QR_SCANNED_BY_OTHER');
    assert.equal(assertOk(await check(s, random)).status, 1, 'nothing changed');
    assertOk(await appAction(s, 'confirm', random, alice));
  });

  test('a user of another pool is refused: 403 2245 (pool, app and user made through the admin API)', async () => {
    const t = await createTenant(s);
    const carol = await loginAs(s, t.appId, t.username, t.password);
    const { random } = await generate(s);
    assertError(await appAction(s, 'scanned', random, carol), 'QR_OTHER_POOL');
    // Alice is just as foreign to the new pool's codes.
    const theirs = await generateFor(s, t.appId);
    assertError(await appAction(s, 'scanned', theirs.random, alice), 'QR_OTHER_POOL');
    assertOk(await appAction(s, 'scanned', theirs.random, carol));
    assertOk(await appAction(s, 'confirm', theirs.random, carol));
  });

  test('two users scanning at the same moment: exactly one wins, the other gets 2244', async () => {
    for (let round = 0; round < 5; round++) {
      const { random } = await generate(s);
      const answers = await Promise.all([
        appAction(s, 'scanned', random, alice),
        appAction(s, 'scanned', random, bob),
      ]);
      const winners = answers.filter((a) => a.status === 200);
      assert.equal(winners.length, 1, JSON.stringify(answers.map((a) => a.body)));
      const loser = answers.find((a) => a.status !== 200);
      assert.ok(loser);
      assertError(loser, 'QR_SCANNED_BY_OTHER');
    }
  });

  test('confirm and cancel racing: exactly one decision sticks', async () => {
    const { random } = await generate(s);
    assertOk(await appAction(s, 'scanned', random, alice));
    const [confirm, cancel] = await Promise.all([
      appAction(s, 'confirm', random, alice),
      appAction(s, 'cancel', random, alice),
    ]);
    assert.equal([confirm, cancel].filter((a) => a.status === 200).length, 1);
    const lost = confirm.status === 200 ? cancel : confirm;
    assertError(lost, 'QR_WRONG_STATE');
    const final = assertOk(await check(s, random)).status;
    assert.equal(final, confirm.status === 200 ? 2 : 3);
  });

  test('confirm and cancel need a scan first: 409 2243 from status 0', async () => {
    const { random } = await generate(s);
    assertError(await appAction(s, 'confirm', random, alice), 'QR_WRONG_STATE');
    assertError(await appAction(s, 'cancel', random, alice), 'QR_WRONG_STATE');
    assert.equal(assertOk(await check(s, random)).status, 0);
  });

  test('a decided code takes no further decision: 409 2243', async () => {
    const { random } = await approvedCode(s, alice);
    assertError(await appAction(s, 'confirm', random, alice), 'QR_WRONG_STATE');
    assertError(await appAction(s, 'cancel', random, alice), 'QR_WRONG_STATE');
    assertError(await appAction(s, 'scanned', random, alice), 'QR_WRONG_STATE');

    const cancelled = await generate(s);
    assertOk(await appAction(s, 'scanned', cancelled.random, alice));
    assertOk(await appAction(s, 'cancel', cancelled.random, alice));
    assertError(await appAction(s, 'confirm', cancelled.random, alice), 'QR_WRONG_STATE');
  });

  test('an expired code: 410 2242 for every call', async () => {
    const pending = await generate(s);
    const scanned = await generate(s);
    assertOk(await appAction(s, 'scanned', scanned.random, alice));
    clock.advance(120_000);
    assertError(await appAction(s, 'scanned', pending.random, alice), 'QR_EXPIRED');
    assertError(await appAction(s, 'confirm', scanned.random, alice), 'QR_EXPIRED');
    assertError(await appAction(s, 'cancel', scanned.random, alice), 'QR_EXPIRED');
  });

  test('an unknown random: 404 2241 for every call', async () => {
    const random = 'AAAAAAAAAAAAAAAAAAAAAA';
    for (const action of ['scanned', 'confirm', 'cancel'] as const) {
      assertError(await appAction(s, action, random, alice), 'QR_NOT_FOUND');
    }
  });

  test("a website's token (from the ticket exchange) cannot approve: 401 2001", async () => {
    const { ticket } = await approvedCode(s, alice);
    const site = assertOk(
      await call(s.url, 'POST', '/api/v2/qrcode/userinfo', {
        body: { ticket },
        headers: { authorization: basic(s.seed.app.id, s.seed.app.secret) },
      }),
    );
    const { random } = await generate(s);
    for (const bearer of [false, true]) {
      assertError(await appAction(s, 'scanned', random, site.token, { bearer }), 'INVALID_TOKEN');
    }
    assert.equal(assertOk(await check(s, random)).status, 0);
  });

  test('no token is 401 2000; a bad or foreign token is 401 2001', async () => {
    const { random } = await generate(s);
    assertError(await call(s.url, 'POST', '/api/v2/qrcode/scanned', { body: { random } }), 'LOGIN_REQUIRED');
    assertError(
      await call(s.url, 'POST', '/api/v2/qrcode/scanned', {
        body: { random },
        headers: { authorization: basic(s.seed.app.id, s.seed.app.secret) },
      }),
      'LOGIN_REQUIRED',
    );
    assertError(await appAction(s, 'scanned', random, 'not-a-token'), 'INVALID_TOKEN');
    const [h, p] = alice.split('.') as [string, string];
    const forged = jwtClaims(alice);
    forged.sub = 'someone-else';
    const tampered = `${h}.${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${alice.split('.')[2]}`;
    assert.notEqual(p, tampered.split('.')[1]);
    assertError(await appAction(s, 'confirm', random, tampered), 'INVALID_TOKEN');
  });

  test('an app token past its lifetime is 401 2001', async () => {
    const token = await appLogin(s);
    const { random } = await generate(s);
    clock.advance(7 * 86400 * 1000);
    assertError(await appAction(s, 'scanned', random, token), 'INVALID_TOKEN');
    alice = await appLogin(s, 'alice');
    bob = await appLogin(s, 'bob');
  });

  test('a blocked user cannot act even with a token issued before: 403 2004', async () => {
    const t = await createTenant(s);
    const token = await loginAs(s, t.appId, t.username, t.password);
    const { random } = await generateFor(s, t.appId);
    assertOk(await admin(s, 'PATCH', `/api/admin/users/${t.userId}`, { blocked: true }));
    assertError(await appAction(s, 'scanned', random, token), 'USER_BLOCKED');
  });

  test('the body must carry a string random', async () => {
    const bodies: Json[] = [{}, { random: 42 }, { random: '' }, { random: 'a'.repeat(129) }];
    for (const body of bodies) {
      assertError(
        await call(s.url, 'POST', '/api/v2/qrcode/scanned', { body, headers: { authorization: alice } }),
        'INVALID_REQUEST',
      );
    }
  });
});
