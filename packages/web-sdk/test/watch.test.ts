// The status watch (what startScanning waits with) against a live service.
// Node 20 has no EventSource, so here 'sse' is skipped and the long-poll and
// polling paths run; the browser test covers the stream.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../../server/test/helpers.js';
import { NETWORK_ERROR, type ScanloginError } from '../src/errors.js';
import { QrCodeAuthenticationClient } from '../src/qrcode.js';
import { HttpClient } from '../src/transport/http.js';
import { backoffDelay, type WatchOptions, watchStatus } from '../src/transport/watch.js';
import type { QrCodeStatus, WatchMode } from '../src/types.js';
import { fakeTime, phone, recordingProxy, until } from './support.js';

let server: TestServer;
let http: HttpClient;
let alice: Awaited<ReturnType<typeof phone>>;
/** Whether the service implements long-poll (answers carry `seq`). */
let longPollSupported = false;

/** A code for `http`'s browser (its binding is learned, so the ticket is visible to it). */
function gene() {
  return new QrCodeAuthenticationClient(http, () => 'en-US').geneCode();
}

before(async () => {
  server = await startTestServer();
  http = new HttpClient({ appId: server.seed.app.id, appHost: server.url, lang: 'en-US' });
  alice = await phone(server);
  const { random } = await gene();
  // Services with long-poll number their changes (`seq`) in every check answer.
  const probe = await http.request<QrCodeStatus>('GET', `/api/v2/qrcode/check?random=${random}`);
  longPollSupported = typeof probe.seq === 'number';
});

after(() => server.close());

function record(random: string, modes: WatchMode[], h = http, later?: WatchOptions['later']) {
  const updates: QrCodeStatus[] = [];
  const modesSeen: WatchMode[] = [];
  const troubles: ScanloginError[] = [];
  const fatals: ScanloginError[] = [];
  const watch = watchStatus({
    http: h,
    random,
    interval: 20,
    modes,
    onUpdate: (d) => updates.push(d),
    onTrouble: (e) => troubles.push(e),
    onFatal: (e) => fatals.push(e),
    onMode: (m) => modesSeen.push(m),
    ...(later ? { later } : {}),
  });
  return { watch, updates, modesSeen, troubles, fatals, statuses: () => updates.map((u) => u.status) };
}

describe('watchStatus', () => {
  for (const modes of [
    ['sse', 'long-poll', 'polling'],
    ['long-poll', 'polling'],
    ['polling'],
  ] as WatchMode[][]) {
    test(`follows a login to the end with modes ${modes.join(' → ')}`, async () => {
      const { random } = await gene();
      const w = record(random, modes);
      await until(() => w.updates.length > 0);
      await alice.scan(random);
      await until(() => w.statuses().includes(1));
      await alice.confirm(random);
      await until(() => w.statuses().includes(2));
      assert.ok(w.updates.at(-1)?.ticket, 'the bound browser sees the ticket');
      assert.equal(w.fatals.length, 0);
      assert.equal(w.troubles.length, 0);
      // Never 'sse' in Node; long-poll when the server implements it, else polling.
      assert.ok(!w.modesSeen.includes('sse'));
      const expected = modes.includes('long-poll') && longPollSupported ? 'long-poll' : 'polling';
      assert.equal(w.watch.mode, expected);
      // Statuses only move forward.
      const s = w.statuses();
      assert.deepEqual([...s].sort(), s);
    });
  }

  test('long-poll starts with a plain check, then sends wait and the last seq seen', async () => {
    const proxy = await recordingProxy(server.url);
    try {
      const h = new HttpClient({ appId: server.seed.app.id, appHost: proxy.url, lang: 'en-US' });
      const { random } = await gene();
      h.keepBinding(random, http.bindingFor(random)!);
      const w = record(random, ['long-poll'], h);
      await until(() => w.updates.length > 0);
      await alice.scan(random);
      await until(() => w.statuses().includes(1));
      w.watch.stop();
      const checks = proxy.seen.filter((r) => r.url.startsWith('/api/v2/qrcode/check'));
      assert.equal(checks[0]?.url, `/api/v2/qrcode/check?random=${random}&stepUp=1`);
      if (longPollSupported) {
        const seq = w.updates[0]?.seq;
        assert.equal(checks[1]?.url, `/api/v2/qrcode/check?random=${random}&stepUp=1&wait=25&seq=${seq}`);
      }
    } finally {
      await proxy.close();
    }
  });

  test('an unknown code is fatal, not retried', async () => {
    const w = record('no-such-code', ['long-poll', 'polling']);
    await until(() => w.fatals.length > 0);
    assert.equal(w.fatals[0]?.code, 2241);
    assert.equal(w.troubles.length, 0);
  });

  test('an unreachable service is reported as trouble and retried after a backoff; retryNow skips it', async () => {
    const gone = await recordingProxy(server.url);
    const h = new HttpClient({ appId: server.seed.app.id, appHost: gone.url, lang: 'en-US' });
    await gone.close();
    // The watch's timers are faked: its backoff cannot fire on its own before the test's retryNow.
    const time = fakeTime();
    const w = record('whatever', ['polling'], h, time.later);
    time.advance(20); // the polling interval: the first attempt
    await until(() => w.troubles.length === 1);
    assert.equal(w.troubles[0]?.code, NETWORK_ERROR);
    assert.equal(time.pending, 1, 'the backoff is waiting');
    w.watch.retryNow();
    time.advance(20); // one polling interval, far less than the backoff (at least 800 ms)
    await until(() => w.troubles.length === 2);
    w.watch.stop();
    assert.equal(time.pending, 0, 'stop leaves no timer');
    assert.equal(w.fatals.length, 0);
  });

  test('check() looks once at once, between the mode’s own requests (after a failed rotation, say)', async () => {
    const { random } = await gene();
    const updates: QrCodeStatus[] = [];
    const watch = watchStatus({
      http,
      random,
      interval: 60_000, // the mode itself would not look for a minute
      modes: ['polling'],
      onUpdate: (d) => updates.push(d),
      onTrouble: () => {},
      onFatal: () => {},
    });
    watch.check();
    await until(() => updates.length === 1);
    assert.equal(updates[0]?.status, 0);
    watch.stop();
    // A check starts its request at once, or never: counted right after the call, it is exact.
    let requests = 0;
    const request = http.request.bind(http);
    http.request = ((...args: Parameters<typeof request>) => {
      requests++;
      return request(...args);
    }) as typeof http.request;
    try {
      watch.check();
      assert.equal(requests, 0, 'nothing once stopped');
    } finally {
      http.request = request;
    }
    assert.equal(updates.length, 1);
  });

  test('backoff doubles up to 30 s, with jitter', () => {
    for (let n = 1; n <= 8; n++) {
      const base = Math.min(30_000, 1000 * 2 ** (n - 1));
      const d = backoffDelay(n);
      assert.ok(d >= base * 0.8 && d <= base * 1.2, `failure ${n}: ${d}`);
    }
  });
});
