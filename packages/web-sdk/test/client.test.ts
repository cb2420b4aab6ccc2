// The client against a live service (in-memory SQLite): the requests it
// sends, the envelope handling, and Authing's polling semantics.
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, mock, test } from 'node:test';
import { ManualClock } from '../../server/src/domain/clock.js';
import {
  assertOk,
  basic,
  call,
  createTenant,
  loginAs,
  startTestServer,
  type TestServer,
} from '../../server/test/helpers.js';
import { AuthenticationClient } from '../src/client.js';
import { NETWORK_ERROR, ScanloginError } from '../src/errors.js';
import type { QrCodeStatus, QrUserInfo } from '../src/types.js';
import { phone, recordingProxy } from './support.js';

let server: TestServer;
let proxy: Awaited<ReturnType<typeof recordingProxy>>;
let client: AuthenticationClient;
let alice: Awaited<ReturnType<typeof phone>>;

before(async () => {
  // Behind a proxy that names the client's address, so a test can put a page or a phone elsewhere.
  server = await startTestServer({ env: { TRUST_PROXY: '1' } });
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
  test('geneCode sends Authing’ headers and body and returns data with the payload', async () => {
    const code = await client.qrcode.geneCode({ customData: { from: 'test' }, context: { a: 1 } });
    const req = proxy.seen.findLast((r) => r.url === '/api/v2/qrcode/gene');
    assert.ok(req, 'gene went through the proxy (trailing slash of appHost dropped)');
    assert.equal(req.method, 'POST');
    assert.equal(req.headers['x-authing-app-id'], server.seed.app.id);
    assert.equal(req.headers['x-authing-request-from'], 'sdk');
    assert.equal(req.headers['x-authing-lang'], 'zh-CN', 'no lang and no page: authing-js-sdk’s default');
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

  test('an error envelope is thrown as ScanloginError with code, message and the message as its string', async () => {
    const error = await client.qrcode.checkStatus('no-such-code').then(
      () => assert.fail('should throw'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof ScanloginError);
    assert.equal(error.code, 2241);
    assert.equal(error.status, 404);
    assert.equal(error.transient, false);
    assert.equal(String(error), error.message);
    // No lang and no page (Node): authing-js-sdk's zh-CN, so the service's message is Chinese.
    assert.equal(error.message, '二维码不存在。');
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
    assert.ok(error instanceof ScanloginError);
    assert.equal(error.code, NETWORK_ERROR);
    assert.equal(error.transient, true);
  });

  test('exchangeUserInfo redeems a ticket once, when the app allows browser exchange', async () => {
    const { random } = await client.qrcode.geneCode();
    await alice.scan(random);
    await alice.confirm(random);
    const { ticket } = await client.qrcode.checkStatus(random);
    assert.ok(ticket);

    const refused = await client.qrcode.exchangeUserInfo(ticket).catch((e: ScanloginError) => e);
    assert.ok(refused instanceof ScanloginError);
    assert.equal(refused.code, 2105, 'browser exchange is off by default');

    await server.services.directory.updateApp(server.seed.app.id, {
      qr: { allowExchangeUserInfoFromBrowser: true },
    });
    try {
      const user = await client.qrcode.exchangeUserInfo(ticket);
      assert.equal(user['username'], 'alice');
      assert.equal(typeof user.token, 'string');
      const again = await client.qrcode.exchangeUserInfo(ticket).catch((e: ScanloginError) => e);
      assert.ok(again instanceof ScanloginError);
      assert.equal(again.code, 2246);
    } finally {
      await server.services.directory.updateApp(server.seed.app.id, {
        qr: { allowExchangeUserInfoFromBrowser: false },
      });
    }
  });
});

// Issue 13, finding 4: the service mints a binding per code, so a client with several codes
// (widgets, refreshes) must send each code's own; one remembered binding would open only the last.
describe('bindings, one per code', () => {
  test('codes made together each see their ticket and redeem it with their own binding', async () => {
    const own = new AuthenticationClient({ appId: server.seed.app.id, appHost: proxy.url });
    const codes = await Promise.all([own.qrcode.geneCode(), own.qrcode.geneCode(), own.qrcode.geneCode()]);
    assert.equal(new Set(codes.map((c) => c.binding)).size, 3);
    for (const c of [...codes].reverse()) {
      await alice.scan(c.random);
      await alice.confirm(c.random);
    }
    await server.services.directory.updateApp(server.seed.app.id, {
      qr: { allowExchangeUserInfoFromBrowser: true },
    });
    try {
      for (const c of codes) {
        const { ticket } = await own.qrcode.checkStatus(c.random);
        assert.ok(ticket, c.random);
        const sent = proxy.seen.findLast((r) => r.url.startsWith(`/api/v2/qrcode/check?random=${c.random}&`));
        assert.equal(sent?.headers['x-scanlogin-binding'], c.binding);
        assert.equal((await own.qrcode.exchangeUserInfo(ticket)).username, 'alice');
        const redeemed = proxy.seen.findLast((r) => r.url === '/api/v2/qrcode/userinfo');
        assert.equal(redeemed?.headers['x-scanlogin-binding'], c.binding, 'the ticket’s own code’s binding');
      }
    } finally {
      await server.services.directory.updateApp(server.seed.app.id, {
        qr: { allowExchangeUserInfoFromBrowser: false },
      });
    }
  });

  test('another client (another browser) sees no ticket of these codes', async () => {
    const page = new AuthenticationClient({ appId: server.seed.app.id, appHost: proxy.url });
    const stranger = new AuthenticationClient({ appId: server.seed.app.id, appHost: proxy.url });
    const { random } = await page.qrcode.geneCode();
    await stranger.qrcode.geneCode();
    await alice.scan(random);
    await alice.confirm(random);
    assert.equal((await stranger.qrcode.checkStatus(random)).ticket, null);
    assert.ok((await page.qrcode.checkStatus(random)).ticket);
  });
});

/**
 * The polling timer is faked (node:test's mock timers, `setInterval` only), so
 * each tick is a step of the test and each check it starts is awaited: "nothing
 * happens after the final status" is then checked over many ticks, not over a
 * stretch of real time. The network and the service stay real.
 */
function fakePollingTimer(qrcode: AuthenticationClient['qrcode']) {
  const inFlight = new Set<Promise<unknown>>();
  let checks = 0;
  const real = qrcode.checkStatus.bind(qrcode);
  qrcode.checkStatus = (random: string) => {
    checks++;
    const answer = real(random);
    inFlight.add(answer);
    void answer.catch(() => {}).finally(() => inFlight.delete(answer));
    return answer;
  };
  mock.timers.enable({ apis: ['setInterval'] });
  /** Waits for the checks under way, and for what their answers set off. */
  const settle = async () => {
    while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    await new Promise((r) => setImmediate(r));
  };
  return {
    get checks() {
      return checks;
    },
    /** `n` intervals of polling, each check answered before the next tick. */
    async tick(interval: number, n = 1) {
      for (let i = 0; i < n; i++) {
        mock.timers.tick(interval);
        await settle();
      }
    },
    /** Ticks until `predicate` holds. */
    async tickUntil(interval: number, predicate: () => boolean) {
      while (!predicate()) await this.tick(interval);
    },
    restore() {
      mock.timers.reset();
      qrcode.checkStatus = real;
    },
  };
}

describe('startPolling (Authing’ semantics)', () => {
  let polling: ReturnType<typeof fakePollingTimer>;
  beforeEach(() => {
    polling = fakePollingTimer(client.qrcode);
  });
  afterEach(() => polling.restore());

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
    await polling.tick(20);
    assert.deepEqual(events, ['start', 'result:0']);
    assert.equal(started, timer, 'onStart gets the timer that startPolling resolves to');
    await alice.scan(random);
    await polling.tick(20, 2);
    assert.deepEqual(events.slice(2), ['result:1', 'scanned', 'result:1'], 'onScanned once, results repeat');
    assert.equal(scannedUser?.nickname, 'Alice');
    assert.match(String(scannedUser?.photo), /^data:image\/svg\+xml/);
    await alice.confirm(random);
    await polling.tick(20);
    assert.deepEqual(events.slice(5), ['result:2', 'success']);
    assert.ok(success?.ticket);

    const server2 = await call(server.url, 'POST', '/api/v2/qrcode/userinfo', {
      body: { ticket: success.ticket },
      headers: { authorization: basic(server.seed.app.id, server.seed.app.secret) },
    });
    assert.equal(server2.body.data.username, 'alice', 'the ticket redeems on the website’s server');

    const checks = polling.checks;
    await polling.tick(20, 10);
    assert.equal(polling.checks, checks, 'no check after the final status');
    assert.equal(events.length, 7, 'and no callback');
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
    await polling.tick(20);
    assert.equal(scanned, 1, 'onScanned');
    await alice.cancel(random);
    await polling.tick(20);
    assert.equal(cancelled, 1, 'onCancel');
    const checks = polling.checks;
    await polling.tick(20, 10);
    assert.equal(polling.checks, checks, 'stopped');
    assert.equal(cancelled, 1);
  });

  test('a failed check calls onError with the error (code and message) and stops', async () => {
    const errors: ScanloginError[] = [];
    await client.qrcode.startPolling('no-such-code', { interval: 10, onError: (e) => errors.push(e) });
    await polling.tick(10);
    assert.equal(errors.length, 1, 'onError');
    await polling.tick(10, 10);
    assert.equal(errors.length, 1, 'polling stopped after the error');
    assert.equal(polling.checks, 1);
    assert.equal(errors[0]?.code, 2241);
    assert.equal(`${errors[0]}`, errors[0]?.message);
  });

  test('stopPolling stops a polling, given the timer or the promise of it', async () => {
    for (const awaited of [true, false]) {
      const { random } = await client.qrcode.geneCode();
      let results = 0;
      const checks = polling.checks;
      const started = client.qrcode.startPolling(random, { interval: 10, onResult: () => results++ });
      await client.qrcode.stopPolling(awaited ? await started : started);
      await polling.tick(10, 10);
      assert.equal(results, 0, `stopped before the first tick (${awaited ? 'timer' : 'promise'})`);
      assert.equal(polling.checks, checks, 'and never checked');
    }
  });
});

describe('expiry', () => {
  let timed: TestServer;
  let clock: ManualClock;
  let c: AuthenticationClient;
  let polling: ReturnType<typeof fakePollingTimer>;
  before(async () => {
    clock = new ManualClock(Date.now());
    timed = await startTestServer({ clock });
    c = new AuthenticationClient({ appId: timed.seed.app.id, appHost: timed.url });
    polling = fakePollingTimer(c.qrcode);
  });
  after(async () => {
    polling.restore();
    await timed.close();
  });

  test('an expired code calls onExpired once and stops', async () => {
    const { random, expiresIn } = await c.qrcode.geneCode();
    const statuses: number[] = [];
    let expired = 0;
    await c.qrcode.startPolling(random, {
      interval: 10,
      onResult: (d) => statuses.push(d.status),
      onExpired: () => expired++,
    });
    await polling.tick(10);
    assert.deepEqual(statuses, [0]);
    clock.advance((expiresIn + 1) * 1000);
    await polling.tick(10);
    assert.equal(expired, 1, 'onExpired');
    await polling.tick(10, 10);
    assert.equal(expired, 1);
    assert.deepEqual(statuses, [0, -1]);
  });
});

describe('startPolling on a step-up pool (issue 13)', () => {
  test('status 4 with its reason calls onMfa and polling goes on; the approval after the step-up logs in', async () => {
    const t = await createTenant(server, {}, undefined, { proximityPolicy: 'step-up' });
    // The page in the United Kingdom, the phone in the United States.
    const uk = await recordingProxy(server.url, { 'x-forwarded-for': '81.2.69.160' });
    const page = new AuthenticationClient({ appId: t.appId, appHost: uk.url, lang: 'en-US' });
    const polling = fakePollingTimer(page.qrcode);
    try {
      const { random } = await page.qrcode.geneCode();
      const events: string[] = [];
      const results: QrCodeStatus[] = [];
      let ticket: string | undefined;
      await page.qrcode.startPolling(random, {
        interval: 20,
        onResult: (d) => {
          results.push(d);
          events.push(`result:${d.status}`);
        },
        onScanned: () => events.push('scanned'),
        onMfa: (code) => events.push(`mfa:${code}`),
        onSuccess: (_u, tk) => {
          ticket = tk;
          events.push('success');
        },
        onError: (e) => events.push(`error:${e.message}`),
      });
      const token = await loginAs(server, t.appId, t.username, t.password);
      const act = async (action: string, body: Record<string, unknown> = {}) =>
        assertOk(
          await call(server.url, 'POST', `/api/v2/qrcode/${action}`, {
            body: { random, ...body },
            headers: { authorization: `Bearer ${token}`, 'x-forwarded-for': '8.8.8.8' },
          }),
        ).status;

      assert.equal(await act('scanned'), 4);
      await polling.tick(20);
      assert.deepEqual(events, ['result:4', 'mfa:2250']);
      assert.deepEqual(results[0]?.scannedResult, {
        code: 2250,
        message: 'This login comes from far away: confirm your password on the phone to continue.',
      });
      const checks = polling.checks;
      await polling.tick(20, 3);
      assert.equal(polling.checks, checks + 3, 'status 4 is not final: polling goes on');
      assert.deepEqual(events.slice(2), ['result:4', 'result:4', 'result:4'], 'onMfa once per entry into 4');

      assert.equal(await act('step-up', { password: t.password }), 1);
      await polling.tick(20);
      assert.deepEqual(events.slice(5), ['result:1', 'scanned']);
      assert.equal(await act('confirm'), 2);
      await polling.tick(20);
      assert.deepEqual(events.slice(7), ['result:2', 'success']);
      assert.equal(typeof ticket, 'string');
      // Every status read said that it understands status 4.
      const reads = uk.seen.filter((r) => r.url.startsWith('/api/v2/qrcode/check'));
      assert.ok(reads.length >= 6);
      assert.ok(reads.every((r) => r.url === `/api/v2/qrcode/check?random=${random}&stepUp=1`));
    } finally {
      polling.restore();
      await uk.close();
    }
  });
});
