/**
 * THE REAL CLIENT: the published `authing-js-sdk@4.23.55`, unmodified, drives
 * a live server by changing only its host (`appHost`). The "phone" side is
 * plain fetch, exactly as Authing's Objective-C sample does it: log in
 * through POST /api/v2/login/account (password RSA-encrypted with the pool's
 * key, as the mobile SDKs do), then POST scanned / confirm / cancel with the
 * bare token in `Authorization` and the JSON body `{random}`.
 *
 * Browser globals: none are needed for the calls exercised here. The SDK's
 * token store falls back to memory when `localStorage` is undefined
 * (AuthenticationTokenProvider), its HTTP client is axios, which uses Node's
 * http adapter, and geneCode / checkStatus / startPolling / exchangeUserInfo
 * touch no DOM. Only `startScanning` (which draws into the page) needs
 * `document`, and it is not used here. So no browser global is stubbed (the
 * only stand-in is the polling timer, see below).
 *
 * Time: nothing here waits for time to pass. The server runs on a ManualClock,
 * so expiry is reached by advancing it. The SDK polls with `setInterval`; in
 * this file that timer is node:test's mock, moved by hand one interval at a
 * time (`poll()`), and each poll's HTTP round trip is awaited before the next
 * tick. So there is exactly one poll in flight, the callbacks come in a
 * known order, and "polling stopped" is checked by ticking and seeing no poll.
 */
import assert from 'node:assert/strict';
import { after, before, describe, mock, test } from 'node:test';
import { AuthenticationClient } from 'authing-js-sdk';
import { createLocalJWKSet, jwtVerify } from 'jose';
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
import { type Deferred, deferred } from './support/signals.js';

const POLL_MS = 100;

/** The phone: an app that logs in and answers codes the way Authing's sample does. */
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

/** The SDK's polls, counted as they start (the SDK calls `checkStatus` synchronously in its timer callback). */
function countPolls(client: AuthenticationClient) {
  const qrcode = client.qrcode as unknown as { checkStatus: (...args: unknown[]) => Promise<unknown> };
  const checkStatus = qrcode.checkStatus.bind(qrcode);
  const counter = { ticking: false, started: 0 };
  qrcode.checkStatus = (...args: unknown[]) => {
    if (counter.ticking) counter.started++;
    return checkStatus(...args);
  };
  return counter;
}

/** Moves the SDK's polling timer by one interval; returns how many polls that started. */
function tick(counter: { ticking: boolean; started: number }): number {
  const before = counter.started;
  counter.ticking = true;
  try {
    mock.timers.tick(POLL_MS);
  } finally {
    counter.ticking = false;
  }
  return counter.started - before;
}

interface Watched {
  results: Json[];
  calls: string[];
  scannedUser: Json;
  success: { userInfo: Json; ticket: string } | null;
  error: Json;
  timer: Promise<unknown>;
  /** One poll of the SDK, run to its end (every callback it makes has been made). */
  poll(): Promise<void>;
  /** Checks that the SDK polls no more: another interval passes and no poll starts. */
  assertStopped(): void;
}

/** Starts the SDK's own polling with every callback recorded. */
function watch(client: AuthenticationClient, counter: { ticking: boolean; started: number }, random: string) {
  let finished: Deferred<void> | null = null;
  const w: Watched = {
    results: [],
    calls: [],
    scannedUser: null,
    success: null,
    error: null,
    timer: Promise.resolve(),
    async poll() {
      finished = deferred();
      assert.equal(tick(counter), 1, 'one poll per interval');
      await finished.promise;
    },
    assertStopped() {
      assert.equal(tick(counter), 0, 'the SDK stopped polling');
    },
  };
  // Every poll ends in onResult or onError. The status callbacks (onScanned...)
  // run right after onResult, in the same turn, so they have run once this is awaited.
  const ended = () => finished?.resolve();
  w.timer = client.qrcode.startPolling(random, {
    interval: POLL_MS,
    onResult: (data) => {
      w.results.push(data);
      ended();
    },
    onScanned: (userInfo) => {
      w.calls.push('scanned');
      w.scannedUser = userInfo;
    },
    onSuccess: (userInfo, ticket) => {
      w.calls.push('success');
      w.success = { userInfo, ticket };
    },
    onCancel: () => {
      w.calls.push('cancel');
    },
    onExpired: () => {
      w.calls.push('expired');
    },
    onMfa: () => {
      w.calls.push('mfa');
      ended();
      return {};
    },
    onError: (err: unknown) => {
      w.calls.push('error');
      w.error = err;
      ended();
    },
  });
  return w;
}

describe('authing-js-sdk@4.23.55 against a live server', () => {
  const clock = new ManualClock();
  let s: TestServer;
  let client: AuthenticationClient;
  let polls: { ticking: boolean; started: number };
  // Every polling started, stopped at the end whatever happened (a failed test must not leave timers running).
  const pollers: { client: AuthenticationClient; timer: Promise<unknown> }[] = [];
  const startWatching = (c: AuthenticationClient, counter: typeof polls, random: string) => {
    const w = watch(c, counter, random);
    pollers.push({ client: c, timer: w.timer });
    return w;
  };

  before(async () => {
    // Only the SDK uses setInterval in this process; the server and fetch use other timers.
    mock.timers.enable({ apis: ['setInterval'] });
    s = await startTestServer({ clock });
    // In Node, the SDK's axios keeps no cookies, so it cannot carry the browser binding that
    // guards the ticket (in a browser it does: e2e/stock-sdk.test.ts). This pool turns the
    // binding off, as a deployment whose pages poll from a cookieless client would.
    assertOk(await admin(s, 'PATCH', `/api/admin/pools/${s.seed.pool.id}`, { requireBinding: false }));
    client = new AuthenticationClient({ appId: s.seed.app.id, appHost: s.url });
    polls = countPolls(client);
  });
  after(async () => {
    for (const p of pollers) await p.client.qrcode.stopPolling(await p.timer);
    mock.timers.reset();
    await s?.close();
  });

  /** Verifies like a relying party: the published keys (fetched once, no cache timers), at the server's time. */
  const verifySiteToken = async (token: string, audience: string) => {
    const jwks = createLocalJWKSet(await (await fetch(`${s.url}/.well-known/jwks.json`)).json());
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

    const w = startWatching(client, polls, code.random);
    await w.poll();
    assert.deepEqual(w.calls, [], 'nothing to report while the code waits');

    const phone = new Phone(s, s.seed.app.id);
    const phoneToken = await phone.login('alice', 'alice-demo-pass');
    assert.deepEqual(await phone.act('scanned', code.random), {
      random: code.random,
      status: 1,
      description: 'Scanned; waiting for the user to decide',
    });
    await w.poll();
    assert.deepEqual(w.calls, ['scanned']);
    assert.deepEqual(Object.keys(w.scannedUser).sort(), ['nickname', 'photo']);
    assert.equal(w.scannedUser.nickname, 'Alice');
    await w.poll();
    assert.deepEqual(w.calls, ['scanned'], 'onScanned once, however often the SDK sees the scan');

    assert.equal((await phone.act('confirm', code.random)).status, 2);
    await w.poll();
    assert.ok(w.success);
    const { userInfo, ticket } = w.success;
    assert.equal(userInfo.nickname, 'Alice');
    assert.equal(typeof ticket, 'string');
    assert.deepEqual(w.calls, ['scanned', 'success'], 'onScanned once, then onSuccess; nothing else');
    assert.deepEqual(
      w.results.map((r) => r.status),
      [0, 1, 1, 2],
    );
    w.assertStopped();

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
    const w = startWatching(client, polls, code.random);

    const phone = new Phone(s, s.seed.app.id);
    await phone.login('bob@example.com', 'bob-demo-pass');
    await phone.act('scanned', code.random);
    await w.poll();
    assert.equal(w.scannedUser.nickname, 'Bob');
    assert.equal((await phone.act('cancel', code.random)).status, 3);
    await w.poll();
    assert.deepEqual(w.calls, ['scanned', 'cancel']);
    w.assertStopped();
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
    const shortPolls = countPolls(shortClient);
    const code = await shortClient.qrcode.geneCode();
    assert.equal((code as unknown as { expiresIn: number }).expiresIn, 10);

    const w = startWatching(shortClient, shortPolls, code.random);
    // The SDK sees the live code once, then the server's time moves past the lifetime.
    await w.poll();
    assert.equal(w.results.at(-1)?.status, 0);
    clock.advance(10_000);
    await w.poll();
    assert.deepEqual(w.calls, ['expired']);
    assert.equal(w.results.at(-1)?.status, -1);
    w.assertStopped();
  });

  test('onError fires (and polling stops) for a code the server does not know: 2241', async () => {
    const w = startWatching(client, polls, 'AAAAAAAAAAAAAAAAAAAAAA');
    await w.poll();
    const err = w.error;
    assert.equal(err.response?.status, 404);
    // The stock SDK says `x-authing-lang: zh-CN` unless told otherwise, so the message is Chinese, as at Authing.
    assert.deepEqual(err.response?.data, { code: 2241, message: '二维码不存在。', data: null });
    assert.deepEqual(w.calls, ['error']);
    w.assertStopped();
    // With `lang: 'en-US'` the same code, in English.
    const english = new AuthenticationClient({ appId: s.seed.app.id, appHost: s.url, lang: 'en-US' });
    const enErr = await english.qrcode.checkStatus('AAAAAAAAAAAAAAAAAAAAAB').then(
      () => assert.fail('an unknown code is an error'),
      (e: { response?: { data?: unknown } }) => e,
    );
    assert.deepEqual(enErr.response?.data, {
      code: 2241,
      message: 'The QR code does not exist.',
      data: null,
    });
  });

  test('customData with withCustomData (issue 17): onSuccess and exchangeUserInfo hand it back, signed into the token', async () => {
    const created = assertOk(
      await admin(s, 'POST', '/api/admin/apps', {
        userPoolId: s.seed.pool.id,
        name: 'custom data back',
        allowExchangeUserInfoFromBrowser: true,
      }),
      201,
    );
    const dataClient = new AuthenticationClient({ appId: created.id, appHost: s.url });
    const dataPolls = countPolls(dataClient);
    // The SDK's own option names: customData goes out as `params`, with withCustomData and context.
    const code = await dataClient.qrcode.geneCode({
      customData: { cart: 'c-42', items: [1, 2] },
      withCustomData: true,
      context: { campaign: 'spring' },
      extIdpConnId: 'conn-ignored',
    });
    const w = startWatching(dataClient, dataPolls, code.random);
    const phone = new Phone(s, created.id);
    await phone.login('alice', 'alice-demo-pass');
    await phone.act('scanned', code.random);
    // The phone is shown the page's context, as the page's words.
    const context = await fetch(`${s.url}/api/v2/qrcode/context?random=${code.random}`, {
      headers: { authorization: phone.token },
    });
    assert.deepEqual(((await context.json()) as { data: Json }).data.pageContext, {
      entries: [{ key: 'campaign', value: 'spring' }],
      omitted: 0,
    });
    await w.poll();
    assert.deepEqual(Object.keys(w.scannedUser).sort(), ['nickname', 'photo'], 'nothing before approval');
    await phone.act('confirm', code.random);
    await w.poll();
    assert.ok(w.success);
    assert.deepEqual(w.calls, ['scanned', 'success']);
    assert.deepEqual(w.success.userInfo.customData, { cart: 'c-42', items: [1, 2] });
    w.assertStopped();

    const user = await dataClient.qrcode.exchangeUserInfo(w.success.ticket);
    assert.equal(user.username, 'alice');
    assert.deepEqual(user.customData, { cart: 'c-42', items: [1, 2] });
    const payload = await verifySiteToken(user.token as string, created.id);
    assert.deepEqual(payload.custom_data, { cart: 'c-42', items: [1, 2] });
  });

  test('status 5 (issue 17): the app is deleted while the code waits; onError gets scannedResult.errmsg and polling stops', async () => {
    const created = assertOk(
      await admin(s, 'POST', '/api/admin/apps', { userPoolId: s.seed.pool.id, name: 'deleted mid-login' }),
      201,
    );
    const doomedClient = new AuthenticationClient({ appId: created.id, appHost: s.url });
    const doomedPolls = countPolls(doomedClient);
    const code = await doomedClient.qrcode.geneCode();
    const w = startWatching(doomedClient, doomedPolls, code.random);
    const phone = new Phone(s, created.id);
    await phone.login('alice', 'alice-demo-pass');
    await phone.act('scanned', code.random);
    await w.poll();
    assert.deepEqual(w.calls, ['scanned']);

    assertOk(await admin(s, 'DELETE', `/api/admin/apps/${created.id}`));
    await w.poll();
    assert.deepEqual(w.calls, ['scanned', 'error']);
    assert.equal(w.results.at(-1)?.status, 5);
    // What the SDK hands on is `scannedResult.errmsg`: our registry's code and message
    // (startScanning's own handler shows its `message`).
    assert.deepEqual(w.error, { code: 2101, message: 'The application does not exist.' });
    w.assertStopped();
  });

  test('status 5 (issue 17): the scanner is blocked before deciding; onError says why', async () => {
    const created = assertOk(
      await admin(s, 'POST', '/api/admin/users', {
        userPoolId: s.seed.pool.id,
        username: 'soon-blocked',
        password: 'soon-blocked-pass',
      }),
      201,
    );
    const code = await client.qrcode.geneCode();
    const w = startWatching(client, polls, code.random);
    const phone = new Phone(s, s.seed.app.id);
    await phone.login('soon-blocked', 'soon-blocked-pass');
    await phone.act('scanned', code.random);
    assertOk(await admin(s, 'PATCH', `/api/admin/users/${created.id}`, { blocked: true }));
    await w.poll();
    assert.deepEqual(w.calls, ['error'], 'stopped before this page saw the scan');
    assert.deepEqual(w.error, {
      code: 2260,
      message: 'The account that scanned this QR code can no longer sign in; the login was stopped.',
    });
    w.assertStopped();
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
    const fullPolls = countPolls(fullClient);
    const code = await fullClient.qrcode.geneCode();
    const w = startWatching(fullClient, fullPolls, code.random);

    const phone = new Phone(s, created.id);
    await phone.login('+15550100001', 'alice-demo-pass');
    await phone.act('scanned', code.random);
    await w.poll();
    assert.deepEqual(Object.keys(w.scannedUser).sort(), ['nickname', 'photo']);
    await phone.act('confirm', code.random);
    await w.poll();
    assert.ok(w.success);
    const { userInfo, ticket } = w.success;
    assert.equal(typeof ticket, 'string');
    assert.equal(userInfo.username, 'alice');
    assert.deepEqual(w.calls, ['scanned', 'success']);
    w.assertStopped();
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
  let polls: { ticking: boolean; started: number };
  // The page appears to be in the United Kingdom, the phone in the United States: a mismatch.
  const PAGE = { 'x-forwarded-for': '81.2.69.160' };
  const PHONE = { 'x-forwarded-for': '8.8.8.8' };

  before(async () => {
    s = await startTestServer({ clock, env: { TRUST_PROXY: '1' } });
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
    polls = countPolls(client);
    mock.timers.enable({ apis: ['setInterval'] });
  });
  after(async () => {
    if (timer) await client.qrcode.stopPolling(await timer);
    mock.timers.reset();
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
    const w = watch(client, polls, random);
    timer = w.timer;

    const phone = new Phone(s, appId);
    await phone.login('erin', 'erin-step-up-pass');
    assert.equal(
      (await phone.act('scanned', random, { headers: PHONE })).status,
      4,
      'the phone must prove more',
    );
    // To the stock SDK the code is scanned: onScanned, and it goes on polling (at 4 it would call onMfa and stop).
    await w.poll();
    assert.deepEqual(w.calls, ['scanned']);
    assert.equal(w.scannedUser.nickname, 'erin');
    assert.equal((await client.qrcode.checkStatus(random)).status, 1);
    await w.poll();
    assert.deepEqual(w.calls, ['scanned'], 'still polling, still not onMfa');

    assert.equal(
      (await phone.act('step-up', random, { headers: PHONE, body: { password: 'erin-step-up-pass' } }))
        .status,
      1,
    );
    assert.equal((await phone.act('confirm', random, { headers: PHONE })).status, 2);
    await w.poll();
    assert.ok(w.success);
    const { userInfo, ticket } = w.success;
    assert.equal(userInfo.nickname, 'erin');
    assert.equal(typeof ticket, 'string');
    assert.deepEqual(w.calls, ['scanned', 'success'], 'never onMfa, never an error');
    assert.deepEqual(
      w.results.map((r) => r.status),
      [1, 1, 2],
    );
    w.assertStopped();
    const user = await client.qrcode.exchangeUserInfo(ticket);
    assert.equal(user.username, 'erin');
  });
});
