/**
 * THE REAL CLIENT: the published `authing-js-sdk@4.23.55`, unmodified, drives
 * a live server by changing only its host (`appHost`). The "phone" side is
 * plain fetch, exactly as the seeds' Objective-C sample does it: log in
 * through POST /api/v2/login/account (password RSA-encrypted with the pool's
 * key, as the mobile SDKs do), then POST scanned / confirm / cancel with the
 * bare token in `Authorization` and the JSON body `{random}`.
 *
 * Browser globals: none are needed for the calls exercised here. The SDK's
 * token store falls back to memory when `localStorage` is undefined
 * (AuthenticationTokenProvider), its HTTP client is axios, which uses Node's
 * http adapter, and geneCode / checkStatus / startPolling / exchangeUserInfo
 * touch no DOM. Only `startScanning` (which draws into the page) needs
 * `document`, and it is not used here. So nothing is stubbed.
 *
 * Time: the server runs on a ManualClock so that expiry is reached by
 * advancing it, not by sleeping; the SDK itself polls on real timers (100 ms),
 * and the tests wait for its callbacks with a generous timeout.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AuthenticationClient } from 'authing-js-sdk';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { ManualClock } from '../src/domain/clock.js';
import {
  admin,
  assertOk,
  call,
  type Json,
  jwtClaims,
  rsaEncrypt,
  startTestServer,
  type TestServer,
} from './helpers.js';

const CALLBACK_TIMEOUT_MS = 10_000;
const POLL_MS = 100;

/** A promise with its resolver outside, for callbacks. */
function signal<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Waits for a callback, failing (instead of hanging) if it never comes. */
async function within<T>(promise: Promise<T>, what: string, ms = CALLBACK_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The phone: an app that logs in and answers codes the way the seeds' sample does. */
class Phone {
  token = '';
  constructor(
    private readonly s: TestServer,
    private readonly appId: string,
  ) {}

  async login(account: string, password: string): Promise<string> {
    const headers = { 'x-authing-app-id': this.appId };
    const wellKnown = assertOk(await call(this.s.url, 'GET', '/api/v2/.well-known', { headers }));
    const r = await call(this.s.url, 'POST', '/api/v2/login/account', {
      body: { account, password: rsaEncrypt(wellKnown.publicKey, password) },
      headers,
    });
    this.token = assertOk(r).token;
    return this.token;
  }

  /** POST /api/v2/qrcode/<action>, `Authorization: <token>` (no "Bearer"), body {random}. */
  async act(
    action: 'scanned' | 'confirm' | 'cancel' | 'step-up',
    random: string,
    extra: { body?: Record<string, unknown>; headers?: Record<string, string> } = {},
  ) {
    const res = await fetch(`${this.s.url}/api/v2/qrcode/${action}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: this.token, ...extra.headers },
      body: JSON.stringify({ random, ...extra.body }),
    });
    const body = (await res.json()) as { code: number; data: Json };
    assert.equal(res.status, 200, JSON.stringify(body));
    assert.equal(body.code, 200);
    return body.data;
  }
}

interface Watched {
  scanned: Promise<Json>;
  success: Promise<{ userInfo: Json; ticket: string }>;
  cancel: Promise<void>;
  expired: Promise<void>;
  error: Promise<unknown>;
  mfa: Promise<void>;
  results: Json[];
  calls: string[];
  timer: Promise<unknown>;
}

/** Starts the SDK's own polling with every callback recorded. */
function watch(client: AuthenticationClient, random: string): Watched {
  const scanned = signal<Json>();
  const success = signal<{ userInfo: Json; ticket: string }>();
  const cancel = signal();
  const expired = signal();
  const error = signal<unknown>();
  const mfa = signal();
  const calls: string[] = [];
  const results: Json[] = [];
  const timer = client.qrcode.startPolling(random, {
    interval: POLL_MS,
    onResult: (data) => {
      results.push(data);
    },
    onScanned: (userInfo) => {
      calls.push('scanned');
      scanned.resolve(userInfo);
    },
    onSuccess: (userInfo, ticket) => {
      calls.push('success');
      success.resolve({ userInfo, ticket });
    },
    onCancel: () => {
      calls.push('cancel');
      cancel.resolve();
    },
    onExpired: () => {
      calls.push('expired');
      expired.resolve();
    },
    onMfa: () => {
      calls.push('mfa');
      mfa.resolve();
      return {};
    },
    onError: (err: unknown) => {
      calls.push('error');

      error.resolve(err);
    },
  });
  return {
    scanned: scanned.promise,
    success: success.promise,
    cancel: cancel.promise,
    expired: expired.promise,
    error: error.promise,
    mfa: mfa.promise,
    results,
    calls,
    timer,
  };
}

describe('authing-js-sdk@4.23.55 against a live server', () => {
  const clock = new ManualClock();
  let s: TestServer;
  let client: AuthenticationClient;
  // Every polling started, stopped at the end whatever happened (a failed test must not leave timers running).
  const pollers: { client: AuthenticationClient; timer: Promise<unknown> }[] = [];

  before(async () => {
    s = await startTestServer({ clock });
    // In Node, the SDK's axios keeps no cookies, so it cannot carry the browser binding that
    // guards the ticket (in a browser it does: e2e/stock-sdk.test.ts). This pool turns the
    // binding off, as a deployment whose pages poll from a cookieless client would.
    assertOk(await admin(s, 'PATCH', `/api/admin/pools/${s.seed.pool.id}`, { requireBinding: false }));
    client = new AuthenticationClient({ appId: s.seed.app.id, appHost: s.url });
  });
  after(async () => {
    for (const p of pollers) await p.client.qrcode.stopPolling(await p.timer);
    await s.close();
  });

  const verifySiteToken = async (token: string, audience: string) => {
    const jwks = createRemoteJWKSet(new URL(`${s.url}/.well-known/jwks.json`));
    const { payload } = await jwtVerify(token, jwks, {
      issuer: s.url,
      audience,
      algorithms: ['ES256'],
      currentDate: new Date(clock.now()),
    });
    return payload;
  };

  test('it is the real package, in the pinned version', async () => {
    const { createRequire } = await import('node:module');
    const require = createRequire(import.meta.url);
    const pkg = require('authing-js-sdk/package.json') as { version: string };
    assert.equal(pkg.version, '4.23.55');
  });

  test('geneCode → startPolling: onScanned, then onSuccess; exchangeUserInfo once browser exchange is enabled', async () => {
    const code = await client.qrcode.geneCode({ customData: { cart: 'c-42' } });
    assert.match(code.random, /^[A-Za-z0-9_-]+$/);
    assert.equal(code.url, `${s.url}/api/v2/qrcode/image/${code.random}.png`);
    const data = code as unknown as { expiresIn: number; payload: string };
    assert.equal(data.expiresIn, 120);
    assert.deepEqual(
      JSON.parse(data.payload).customData,
      { cart: 'c-42' },
      'the SDK sends custom data as `params`',
    );

    const w = watch(client, code.random);
    pollers.push({ client, timer: w.timer });

    const phone = new Phone(s, s.seed.app.id);
    const phoneToken = await phone.login('alice', 'alice-demo-pass');
    assert.deepEqual(await phone.act('scanned', code.random), {
      random: code.random,
      status: 1,
      description: 'Scanned; waiting for the user to decide',
    });
    const scannedUser = await within(w.scanned, 'onScanned');
    assert.deepEqual(Object.keys(scannedUser).sort(), ['nickname', 'photo']);
    assert.equal(scannedUser.nickname, 'Alice');

    assert.equal((await phone.act('confirm', code.random)).status, 2);
    const { userInfo, ticket } = await within(w.success, 'onSuccess');
    assert.equal(userInfo.nickname, 'Alice');
    assert.equal(typeof ticket, 'string');
    assert.deepEqual(w.calls, ['scanned', 'success'], 'onScanned once, then onSuccess; nothing else');
    assert.ok(w.results.some((r) => r.status === 0 || r.status === 1));

    // checkStatus agrees.
    const status = await client.qrcode.checkStatus(code.random);
    assert.equal(status.status, 2);
    assert.equal(status.ticket, ticket);

    // By default the ticket is redeemed server-side with the app secret: the SDK's browser-style call is refused
    // (axios throws on the 401 before the SDK reads the envelope).
    await assert.rejects(client.qrcode.exchangeUserInfo(ticket), (err: Json) => {
      assert.equal(err.response?.status, 401);
      assert.equal(err.response?.data?.code, 2105);
      return true;
    });

    assertOk(
      await admin(s, 'PATCH', `/api/admin/apps/${s.seed.app.id}`, { allowExchangeUserInfoFromBrowser: true }),
    );
    const user = await client.qrcode.exchangeUserInfo(ticket);
    assert.equal(user.username, 'alice');
    assert.equal(user.email, 'alice@example.com');
    assert.equal(typeof user.token, 'string');

    // The site's token: new, for this app, and verifiable with nothing but the published keys.
    const token = user.token as string;
    assert.notEqual(token, phoneToken);
    const payload = await verifySiteToken(token, s.seed.app.id);
    assert.equal(payload.sub, user.id);
    assert.equal(payload.token_use, 'web');
    assert.equal(payload.aud, s.seed.app.id);
    assert.notEqual(payload.jti, jwtClaims(phoneToken).jti);

    // A ticket is good once, for the SDK too.
    await assert.rejects(client.qrcode.exchangeUserInfo(ticket), (err: Json) => {
      assert.equal(err.response?.data?.code, 2246);
      return true;
    });
  });

  test('onCancel fires when the user refuses on the phone', async () => {
    const code = await client.qrcode.geneCode();
    const w = watch(client, code.random);
    pollers.push({ client, timer: w.timer });

    const phone = new Phone(s, s.seed.app.id);
    await phone.login('bob@example.com', 'bob-demo-pass');
    await phone.act('scanned', code.random);
    const scannedUser = await within(w.scanned, 'onScanned');
    assert.equal(scannedUser.nickname, 'Bob');
    assert.equal((await phone.act('cancel', code.random)).status, 3);
    await within(w.cancel, 'onCancel');
    assert.deepEqual(w.calls, ['scanned', 'cancel']);
    assert.equal((await client.qrcode.checkStatus(code.random)).status, 3);
  });

  test('onExpired fires for an app whose codes live 10 s, once that time has passed', async () => {
    const created = assertOk(
      await admin(s, 'POST', '/api/admin/apps', {
        userPoolId: s.seed.pool.id,
        name: 'short-lived codes',
        qrcodeExpiresAfter: 10,
      }),
      201,
    );
    const shortClient = new AuthenticationClient({ appId: created.id, appHost: s.url });
    const code = await shortClient.qrcode.geneCode();
    assert.equal((code as unknown as { expiresIn: number }).expiresIn, 10);

    const w = watch(shortClient, code.random);
    pollers.push({ client: shortClient, timer: w.timer });
    // Let the SDK see the live code at least once, then move the server's time past the lifetime.
    const seenPending = signal();
    const probe = setInterval(() => {
      if (w.results.some((r) => r.status === 0)) seenPending.resolve();
    }, 20);
    try {
      await within(seenPending.promise, 'a first poll with status 0');
    } finally {
      clearInterval(probe);
    }
    clock.advance(10_000);
    await within(w.expired, 'onExpired');
    assert.deepEqual(w.calls, ['expired']);
    assert.equal(w.results.at(-1)?.status, -1);
  });

  test('onError fires (and polling stops) for a code the server does not know: 2241', async () => {
    const w = watch(client, 'AAAAAAAAAAAAAAAAAAAAAA');
    pollers.push({ client, timer: w.timer });
    const err = (await within(w.error, 'onError')) as Json;
    assert.equal(err.response?.status, 404);
    assert.deepEqual(err.response?.data, { code: 2241, message: 'The QR code does not exist.', data: null });
    assert.deepEqual(w.calls, ['error']);
  });

  test('with returnFullUserInfo, onSuccess already carries the user and a website token', async () => {
    const created = assertOk(
      await admin(s, 'POST', '/api/admin/apps', {
        userPoolId: s.seed.pool.id,
        name: 'full user info',
        returnFullUserInfo: true,
      }),
      201,
    );
    const fullClient = new AuthenticationClient({ appId: created.id, appHost: s.url });
    const code = await fullClient.qrcode.geneCode();
    const w = watch(fullClient, code.random);
    pollers.push({ client: fullClient, timer: w.timer });

    const phone = new Phone(s, created.id);
    await phone.login('+15550100001', 'alice-demo-pass');
    await phone.act('scanned', code.random);
    assert.deepEqual(Object.keys(await within(w.scanned, 'onScanned')).sort(), ['nickname', 'photo']);
    await phone.act('confirm', code.random);
    const { userInfo, ticket } = await within(w.success, 'onSuccess');
    assert.equal(typeof ticket, 'string');
    assert.equal(userInfo.username, 'alice');
    const payload = await verifySiteToken(userInfo.token, created.id);
    assert.equal(payload.token_use, 'web');
    assert.notEqual(userInfo.token, phone.token);
  });
});

describe('authing-js-sdk@4.23.55 on a step-up pool (issue 13: stranded by step-up)', () => {
  const clock = new ManualClock();
  let s: TestServer;
  let client: AuthenticationClient;
  let appId: string;
  let timer: Promise<unknown> | undefined;
  // The page appears to be in the United Kingdom, the phone in the United States: a mismatch.
  const PAGE = { 'x-forwarded-for': '81.2.69.160' };
  const PHONE = { 'x-forwarded-for': '8.8.8.8' };

  before(async () => {
    s = await startTestServer({ clock, env: { TRUST_PROXY: 'true' } });
    // Cookieless polling from Node (see above): no binding on this pool either.
    const pool = assertOk(
      await admin(s, 'POST', '/api/admin/pools', {
        name: 'step-up pool',
        proximityPolicy: 'step-up',
        requireBinding: false,
      }),
      201,
    );
    appId = assertOk(
      await admin(s, 'POST', '/api/admin/apps', {
        userPoolId: pool.id,
        name: 'far away site',
        allowExchangeUserInfoFromBrowser: true,
      }),
      201,
    ).id;
    assertOk(
      await admin(s, 'POST', '/api/admin/users', {
        userPoolId: pool.id,
        username: 'erin',
        password: 'erin-step-up-pass',
      }),
      201,
    );
    client = new AuthenticationClient({ appId, appHost: s.url });
  });
  after(async () => {
    if (timer) await client.qrcode.stopPolling(await timer);
    await s.close();
  });

  test('the stock SDK keeps polling while the phone steps up, and logs in when it approves', async () => {
    // The code as the page in the UK asks for it (the SDK's own geneCode cannot claim an address).
    const { random } = assertOk(
      await call(s.url, 'POST', '/api/v2/qrcode/gene', {
        body: { autoMergeQrCode: false, scene: 'APP_AUTH' },
        headers: { 'x-authing-app-id': appId, ...PAGE },
        jar: false,
      }),
    );
    const w = watch(client, random);
    timer = w.timer;

    const phone = new Phone(s, appId);
    await phone.login('erin', 'erin-step-up-pass');
    assert.equal(
      (await phone.act('scanned', random, { headers: PHONE })).status,
      4,
      'the phone must prove more',
    );
    // To the stock SDK the code is scanned: onScanned, and it goes on polling (at 4 it calls onMfa and stops).
    const first = await Promise.race([w.scanned.then(() => 'onScanned'), w.mfa.then(() => 'onMfa')]);
    assert.equal(first, 'onScanned');
    assert.equal((await w.scanned).nickname, 'erin');
    assert.equal((await client.qrcode.checkStatus(random)).status, 1);

    assert.equal(
      (await phone.act('step-up', random, { headers: PHONE, body: { password: 'erin-step-up-pass' } }))
        .status,
      1,
    );
    assert.equal((await phone.act('confirm', random, { headers: PHONE })).status, 2);
    const { userInfo, ticket } = await w.success;
    assert.equal(userInfo.nickname, 'erin');
    assert.equal(typeof ticket, 'string');
    assert.deepEqual(w.calls, ['scanned', 'success'], 'never onMfa, never an error');
    assert.ok(
      w.results.every((r) => r.status === 0 || r.status === 1 || r.status === 2),
      `statuses seen: ${w.results.map((r) => r.status).join(' ')}`,
    );
    const user = await client.qrcode.exchangeUserInfo(ticket);
    assert.equal(user.username, 'erin');
  });
});
