// The client against a live service (in-memory SQLite): the requests it
// sends, the envelope handling, and the seeds' polling semantics.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ManualClock } from '../../server/src/domain/clock.js';
import { basic, call, startTestServer, type TestServer } from '../../server/test/helpers.js';
import { AuthenticationClient } from '../src/client.js';
import { NETWORK_ERROR, ScanLoginError } from '../src/errors.js';
import type { QrUserInfo } from '../src/types.js';
import { phone, recordingProxy, sleep, until } from './support.js';

let server: TestServer;
let proxy: Awaited<ReturnType<typeof recordingProxy>>;
let client: AuthenticationClient;
let alice: Awaited<ReturnType<typeof phone>>;

before(async () => {
  server = await startTestServer();
  proxy = await recordingProxy(server.url);
  client = new AuthenticationClient({ appId: server.seed.app.id, appHost: `${proxy.url}/` });
  alice = await phone(server);
});

after(async () => {
  client.qrcode.destroy();
  await proxy.close();
  await server.close();
});

describe('requests', () => {
  test('geneCode sends the seeds’ headers and body and returns data with the payload', async () => {
    const code = await client.qrcode.geneCode({ customData: { from: 'test' }, context: { a: 1 } });
    const req = proxy.seen.findLast((r) => r.url === '/api/v2/qrcode/gene');
    assert.ok(req, 'gene went through the proxy (trailing slash of appHost dropped)');
    assert.equal(req.method, 'POST');
    assert.equal(req.headers['x-authing-app-id'], server.seed.app.id);
    assert.equal(req.headers['x-authing-request-from'], 'sdk');
    assert.equal(req.headers['x-authing-lang'], 'zh-CN');
    assert.match(String(req.headers['content-type']), /^application\/json/);
    const body = JSON.parse(req.body);
    assert.equal(body.scene, 'APP_AUTH');
    assert.deepEqual(body.params, { from: 'test' });
    assert.deepEqual(body.context, { a: 1 });

    assert.match(code.random, /\S/);
    assert.ok(code.expiresIn > 0);
    const payload = JSON.parse(code.payload);
    assert.equal(payload.scene, 'APP_AUTH');
    assert.equal(payload.random, code.random);
    assert.deepEqual(payload.customData, { from: 'test' });
  });

  test('setLang changes x-authing-lang; GETs carry no body', async () => {
    const other = new AuthenticationClient({ appId: server.seed.app.id, appHost: proxy.url, lang: 'en-US' });
    const { random } = await other.qrcode.geneCode();
    await other.qrcode.checkStatus(random);
    const check = proxy.seen.findLast((r) => r.url.startsWith('/api/v2/qrcode/check'));
    assert.equal(check?.headers['x-authing-lang'], 'en-US');
    assert.equal(check?.body, '');
    other.setLang('zh-CN');
    await other.qrcode.checkStatus(random);
    assert.equal(proxy.seen.at(-1)?.headers['x-authing-lang'], 'zh-CN');
  });

  test('checkStatus returns the status data', async () => {
    const { random } = await client.qrcode.geneCode();
    const data = await client.qrcode.checkStatus(random);
    assert.equal(data.random, random);
    assert.equal(data.status, 0);
    assert.equal(data.ticket, null);
  });

  test('an error envelope is thrown as ScanLoginError with code, message and the message as its string', async () => {
    const error = await client.qrcode.checkStatus('no-such-code').then(
      () => assert.fail('should throw'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof ScanLoginError);
    assert.equal(error.code, 2241);
    assert.equal(error.status, 404);
    assert.equal(error.transient, false);
    assert.equal(String(error), error.message);
    assert.match(error.message, /does not exist/);
  });

  test('an unreachable service is a transient NETWORK_ERROR', async () => {
    const gone = await recordingProxy(server.url);
    const url = gone.url;
    await gone.close();
    const offline = new AuthenticationClient({ appId: server.seed.app.id, appHost: url });
    const error = await offline.qrcode.geneCode().then(
      () => assert.fail('should throw'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof ScanLoginError);
    assert.equal(error.code, NETWORK_ERROR);
    assert.equal(error.transient, true);
  });

  test('exchangeUserInfo redeems a ticket once, when the app allows browser exchange', async () => {
    const { random } = await client.qrcode.geneCode();
    await alice.scan(random);
    await alice.confirm(random);
    const { ticket } = await client.qrcode.checkStatus(random);
    assert.ok(ticket);

    const refused = await client.qrcode.exchangeUserInfo(ticket).catch((e: ScanLoginError) => e);
    assert.ok(refused instanceof ScanLoginError);
    assert.equal(refused.code, 2105, 'browser exchange is off by default');

    await server.services.directory.updateApp(server.seed.app.id, {
      qr: { allowExchangeUserInfoFromBrowser: true },
    });
    try {
      const user = await client.qrcode.exchangeUserInfo(ticket);
      assert.equal(user['username'], 'alice');
      assert.equal(typeof user.token, 'string');
      const again = await client.qrcode.exchangeUserInfo(ticket).catch((e: ScanLoginError) => e);
      assert.ok(again instanceof ScanLoginError);
      assert.equal(again.code, 2246);
    } finally {
      await server.services.directory.updateApp(server.seed.app.id, {
        qr: { allowExchangeUserInfoFromBrowser: false },
      });
    }
  });
});

describe('startPolling (the seeds’ semantics)', () => {
  test('scan then confirm: onStart(timer), onScanned once, onSuccess with the ticket, then stops', async () => {
    const { random } = await client.qrcode.geneCode();
    const events: string[] = [];
    let scannedUser: QrUserInfo | undefined;
    let success: { userInfo: QrUserInfo; ticket: string } | undefined;
    let started: unknown;
    const timer = await client.qrcode.startPolling(random, {
      interval: 20,
      onStart: (t) => {
        started = t;
        events.push('start');
      },
      onResult: (d) => events.push(`result:${d.status}`),
      onScanned: (u) => {
        scannedUser = u;
        events.push('scanned');
      },
      onSuccess: (userInfo, ticket) => {
        success = { userInfo, ticket };
        events.push('success');
      },
      onError: (e) => events.push(`error:${e.message}`),
    });
    await until(() => events.includes('result:0'), 'a first result');
    assert.equal(started, timer, 'onStart gets the timer that startPolling resolves to');
    await alice.scan(random);
    await until(() => events.includes('scanned'), 'onScanned');
    assert.equal(scannedUser?.nickname, 'Alice');
    assert.match(String(scannedUser?.photo), /^data:image\/svg\+xml/);
    await until(() => events.filter((e) => e === 'result:1').length >= 2, 'a repeated scanned status');
    await alice.confirm(random);
    await until(() => events.includes('success'), 'onSuccess');
    assert.ok(success?.ticket);

    const server2 = await call(server.url, 'POST', '/api/v2/qrcode/userinfo', {
      body: { ticket: success.ticket },
      headers: { authorization: basic(server.seed.app.id, server.seed.app.secret) },
    });
    assert.equal(server2.body.data.username, 'alice', 'the ticket redeems on the website’s server');

    const count = events.length;
    await sleep(100);
    assert.equal(events.length, count, 'nothing happens after the final status');
    assert.equal(events.filter((e) => e === 'start').length, 1);
    assert.equal(events.filter((e) => e === 'scanned').length, 1);
    assert.equal(events.filter((e) => e.startsWith('error')).length, 0);
  });

  test('a cancel on the phone calls onCancel and stops', async () => {
    const { random } = await client.qrcode.geneCode();
    let cancelled = 0;
    let scanned = 0;
    await client.qrcode.startPolling(random, {
      interval: 20,
      onScanned: () => scanned++,
      onCancel: () => cancelled++,
    });
    await alice.scan(random);
    await until(() => scanned === 1, 'onScanned');
    await alice.cancel(random);
    await until(() => cancelled === 1, 'onCancel');
  });

  test('a failed check calls onError with the error (code and message) and stops', async () => {
    const errors: ScanLoginError[] = [];
    await client.qrcode.startPolling('no-such-code', { interval: 10, onError: (e) => errors.push(e) });
    await until(() => errors.length > 0, 'onError');
    await sleep(80);
    assert.equal(errors.length, 1, 'polling stopped after the error');
    assert.equal(errors[0]?.code, 2241);
    assert.equal(`${errors[0]}`, errors[0]?.message);
  });

  test('stopPolling stops a polling, given the timer or the promise of it', async () => {
    for (const awaited of [true, false]) {
      const { random } = await client.qrcode.geneCode();
      let results = 0;
      const started = client.qrcode.startPolling(random, { interval: 10, onResult: () => results++ });
      await client.qrcode.stopPolling(awaited ? await started : started);
      await sleep(80);
      assert.equal(results, 0, `stopped before the first tick (${awaited ? 'timer' : 'promise'})`);
    }
  });
});

describe('expiry', () => {
  let timed: TestServer;
  let clock: ManualClock;
  before(async () => {
    clock = new ManualClock(Date.now());
    timed = await startTestServer({ clock });
  });
  after(() => timed.close());

  test('an expired code calls onExpired once and stops', async () => {
    const c = new AuthenticationClient({ appId: timed.seed.app.id, appHost: timed.url });
    const { random, expiresIn } = await c.qrcode.geneCode();
    const statuses: number[] = [];
    let expired = 0;
    await c.qrcode.startPolling(random, {
      interval: 10,
      onResult: (d) => statuses.push(d.status),
      onExpired: () => expired++,
    });
    await until(() => statuses.length > 0, 'a first status');
    clock.advance((expiresIn + 1) * 1000);
    await until(() => expired === 1, 'onExpired');
    await sleep(60);
    assert.equal(expired, 1);
    assert.equal(statuses.at(-1), -1);
  });
});
