/**
 * The push side of the QR endpoints (ours, beside Authing's polling):
 * Server-Sent Events, the long-poll form of check, and the request context
 * the phone shows on its confirm screen.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ManualClock } from '../src/domain/clock.js';
import {
  appAction,
  appLogin,
  approvedCode,
  assertError,
  assertOk,
  basic,
  call,
  createTenant,
  defaultJar,
  generate,
  generateFor,
  loginAs,
  startTestServer,
  type TestServer,
  whenWaiting,
} from './helpers.js';
import { openSse } from './support/sse.js';

const ALLOWED_ORIGIN = 'http://localhost:3001';
const CHROME_ON_WINDOWS =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';

/** The page's event stream, with the cookies of the browser that asked for the code (its binding). */
function openEvents(s: TestServer, random: string, headers: Record<string, string> = {}) {
  const jar = defaultJar(s.url);
  return openSse(`${s.url}/api/v2/qrcode/events?random=${random}`, {
    ...(jar.size ? { cookie: jar.header() } : {}),
    ...headers,
  });
}

describe('GET /api/v2/qrcode/events (Server-Sent Events)', () => {
  // Frozen: a stream that wakes at its timer (the code's lifetime, in real time)
  // re-reads the code, finds it unchanged and waits on; nothing expires on its own.
  const clock = new ManualClock();
  let s: TestServer;
  let alice: string;
  before(async () => {
    s = await startTestServer({ clock });
    alice = await appLogin(s);
  });
  after(() => s.close());

  test('the current state first, then one event per change, and the stream ends after approval', async () => {
    const { random } = await generate(s);
    const stream = await openEvents(s, random);
    try {
      assert.match(stream.res.headers.get('content-type') ?? '', /^text\/event-stream/);
      assert.equal(stream.res.headers.get('cache-control'), 'no-store');

      const first = await stream.next();
      assert.ok(first);
      assert.equal(stream.sawRetry(), true, 'a reconnection delay is sent first');
      assert.deepEqual(
        { id: first.id, event: first.event, status: first.data.status },
        {
          id: '0',
          event: 'status',
          status: 0,
        },
      );

      assertOk(await appAction(s, 'scanned', random, alice));
      const scanned = await stream.next();
      assert.equal(scanned?.id, '1');
      assert.equal(scanned?.data.status, 1);
      assert.deepEqual(Object.keys(scanned?.data.userInfo).sort(), ['nickname', 'photo']);

      assertOk(await appAction(s, 'confirm', random, alice));
      const approved = await stream.next();
      assert.equal(approved?.id, '2');
      assert.equal(approved?.data.status, 2);
      assert.equal(typeof approved?.data.ticket, 'string');

      assert.equal(await stream.next(), null, 'the server ends the stream after a terminal status');
    } finally {
      await stream.close();
    }
  });

  test('Last-Event-ID equal to the current seq skips the first event', async () => {
    const { random } = await generate(s);
    const stream = await openEvents(s, random, { 'last-event-id': '0' });
    try {
      assertOk(await appAction(s, 'scanned', random, alice));
      const frame = await stream.next();
      assert.equal(frame?.id, '1');
      assert.equal(frame?.data.status, 1);
    } finally {
      await stream.close();
    }
  });

  test('a code already decided gets its state and the end of the stream at once', async () => {
    const { random } = await generate(s);
    assertOk(await appAction(s, 'scanned', random, alice));
    assertOk(await appAction(s, 'cancel', random, alice));
    const stream = await openEvents(s, random, { 'last-event-id': '2' });
    try {
      const frame = await stream.next();
      assert.equal(frame?.data.status, 3);
      assert.equal(await stream.next(), null);
    } finally {
      await stream.close();
    }
  });

  test('the stream is readable cross-origin from an allowed origin (EventSource cannot send app headers)', async () => {
    const { random } = await generate(s);
    const stream = await openEvents(s, random, { origin: ALLOWED_ORIGIN });
    try {
      assert.equal(stream.res.headers.get('access-control-allow-origin'), ALLOWED_ORIGIN);
      assert.equal(stream.res.headers.get('access-control-allow-credentials'), 'true');
    } finally {
      await stream.close();
    }
  });

  test('errors before the stream starts are JSON envelopes: 2241, 1001', async () => {
    assertError(
      await call(s.url, 'GET', '/api/v2/qrcode/events?random=AAAAAAAAAAAAAAAAAAAAAA'),
      'QR_NOT_FOUND',
    );
    assertError(await call(s.url, 'GET', '/api/v2/qrcode/events'), 'INVALID_REQUEST');
  });
});

describe('GET /api/v2/qrcode/check?wait= (long-poll)', () => {
  const clock = new ManualClock();
  let s: TestServer;
  let alice: string;
  before(async () => {
    s = await startTestServer({ clock });
    alice = await appLogin(s);
  });
  after(() => s.close());

  test('a held check answers with the change', async () => {
    const { random } = await generate(s);
    const waiting = whenWaiting(s, random);
    const held = call(s.url, 'GET', `/api/v2/qrcode/check?random=${random}&wait=30&seq=0`);
    // The change comes once the check is held (read at seq 0 and waiting), never before it arrived.
    // The hold is timed on the service's clock, which stands still here: only the change ends it.
    await waiting;
    assertOk(await appAction(s, 'scanned', random, alice));
    const r = await held;
    const data = assertOk(r);
    assert.equal(data.status, 1);
    assert.equal(data.seq, 1);
    assert.equal(r.headers.get('cache-control'), 'no-store');
  });

  test('answers at once when the caller is behind, or the code is decided', async () => {
    const { random } = await generate(s);
    assertOk(await appAction(s, 'scanned', random, alice));
    const behind = assertOk(await call(s.url, 'GET', `/api/v2/qrcode/check?random=${random}&wait=30&seq=0`));
    assert.equal(behind.status, 1);
    assert.equal(behind.seq, 1);

    const decided = await approvedCode(s, alice);
    const done = assertOk(
      await call(s.url, 'GET', `/api/v2/qrcode/check?random=${decided.random}&wait=30&seq=2`),
    );
    assert.equal(done.status, 2);
  });

  test('a held check with no change answers when the wait has passed on the service’s clock', async () => {
    const { random } = await generate(s);
    const waiting = whenWaiting(s, random);
    const held = call(s.url, 'GET', `/api/v2/qrcode/check?random=${random}&wait=5&seq=0`);
    await waiting;
    clock.advance(4_999);
    assert.equal(s.app.heldRequests.count('127.0.0.1'), 1, 'still held a millisecond before');
    clock.advance(1);
    const data = assertOk(await held);
    assert.equal(data.status, 0, 'unchanged');
    assert.equal(data.seq, 0);
  });

  test('wait=0 is an ordinary check', async () => {
    const { random } = await generate(s);
    assert.equal(
      assertOk(await call(s.url, 'GET', `/api/v2/qrcode/check?random=${random}&wait=0`)).status,
      0,
    );
  });

  test('wait and seq must be small integers; an unknown code is 2241', async () => {
    const { random } = await generate(s);
    for (const q of ['wait=abc', 'wait=100', 'wait=5&seq=-1', 'wait=5&seq=x']) {
      assertError(await call(s.url, 'GET', `/api/v2/qrcode/check?random=${random}&${q}`), 'INVALID_REQUEST');
    }
    assertError(
      await call(s.url, 'GET', '/api/v2/qrcode/check?random=AAAAAAAAAAAAAAAAAAAAAA&wait=5'),
      'QR_NOT_FOUND',
    );
  });
});

describe('GET /api/v2/qrcode/context', () => {
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

  const context = (random: string, token?: string) =>
    call(s.url, 'GET', `/api/v2/qrcode/context?random=${random}`, {
      headers: token ? { authorization: token } : {},
    });

  const geneFromBrowser = async () => {
    const r = await call(s.url, 'POST', '/api/v2/qrcode/gene', {
      body: { scene: 'APP_AUTH' },
      headers: { 'x-authing-app-id': s.seed.app.id, origin: ALLOWED_ORIGIN, 'user-agent': CHROME_ON_WINDOWS },
    });
    return assertOk(r).random as string;
  };

  test('the scanner reads what the service saw of the requesting browser', async () => {
    const random = await geneFromBrowser();
    assertOk(await appAction(s, 'scanned', random, alice));
    const r = await context(random, alice);
    const data = assertOk(r);
    assert.equal(r.headers.get('cache-control'), 'no-store');
    assert.equal(data.random, random);
    assert.deepEqual(data.app, { id: s.seed.app.id, name: 'Demo website', logo: null });
    assert.equal(data.origin, ALLOWED_ORIGIN);
    assert.equal(data.ip, '127.0.0.1');
    assert.equal(data.browser, 'Chrome 120');
    assert.equal(data.os, 'Windows');
    assert.equal(data.reportedByBrowser, true);
    assert.equal(Date.parse(data.expiresAt) - Date.parse(data.createdAt), 120_000);
    // Bearer works too.
    assertOk(await context(random, `Bearer ${alice}`));
  });

  test('only the user who scanned may read it', async () => {
    const random = await geneFromBrowser();
    assertError(await context(random, alice), 'QR_WRONG_STATE');
    assertOk(await appAction(s, 'scanned', random, alice));
    assertError(await context(random, bob), 'QR_SCANNED_BY_OTHER');
    assertError(await context(random), 'LOGIN_REQUIRED');
    assertError(await context(random, 'garbage'), 'INVALID_TOKEN');
    assertError(await context('AAAAAAAAAAAAAAAAAAAAAA', alice), 'QR_NOT_FOUND');
    assertError(
      await call(s.url, 'GET', '/api/v2/qrcode/context', { headers: { authorization: alice } }),
      'INVALID_REQUEST',
    );
  });

  test("another pool's user: 2245; a website token: 2001", async () => {
    const t = await createTenant(s);
    const carol = await loginAs(s, t.appId, t.username, t.password);
    const random = await geneFromBrowser();
    assertError(await context(random, carol), 'QR_OTHER_POOL');

    const { ticket } = await approvedCode(s, alice);
    const site = assertOk(
      await call(s.url, 'POST', '/api/v2/qrcode/userinfo', {
        body: { ticket },
        headers: { authorization: basic(s.seed.app.id, s.seed.app.secret) },
      }),
    );
    const other = await generateFor(s, s.seed.app.id);
    assertOk(await appAction(s, 'scanned', other.random, alice));
    assertError(await context(other.random, site.token), 'INVALID_TOKEN');
  });
});
