/**
 * Prometheus metrics (issue 15): off unless METRICS_PORT is set, served on a
 * listener of their own (never the API's port), optionally behind a bearer
 * token. After real QR logins, on SQLite and on PostgreSQL + Redis, the
 * counters have moved: requests by route pattern and status, logins by
 * outcome (approved, denied, redeemed, and expired once the sweep finds the
 * code), codes waiting, held streams, refusals, storage errors. Labels carry
 * route patterns, never URLs.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../src/domain/clock.js';
import {
  appAction,
  appLogin,
  approvedCode,
  assertError,
  assertOk,
  basic,
  call,
  generate,
  startTestServer,
  type TestServer,
} from './helpers.js';
import { BACKENDS } from './support/backends.js';
import { openSse } from './support/sse.js';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of a Prometheus text exposition. */
function parse(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(m, `not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, k, v] of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[k!] = v!;
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return samples;
}

/** The value of the one sample named `name` whose labels include `labels`; 0 when there is none. */
function sampleValue(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  const found = samples.filter(
    (x) => x.name === name && Object.entries(labels).every(([k, v]) => x.labels[k] === v),
  );
  assert.ok(found.length <= 1, `${name} ${JSON.stringify(labels)} matches ${found.length} samples`);
  return found[0]?.value ?? 0;
}

async function scrape(s: TestServer, headers: Record<string, string> = {}) {
  assert.ok(s.app.metricsUrl, 'the metrics listener is up');
  const res = await fetch(s.app.metricsUrl, { headers });
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}

async function samples(s: TestServer): Promise<{ text: string; all: Sample[] }> {
  const r = await scrape(s);
  assert.equal(r.status, 200);
  assert.match(r.type ?? '', /^text\/plain; version=0\.0\.4/);
  return { text: r.text, all: parse(r.text) };
}

const requests = 'scanlogin_http_request_duration_seconds_count';

for (const backend of BACKENDS) {
  describe(`metrics on ${backend.name}`, () => {
    it('move with real QR logins: requests, outcomes, codes waiting, held streams, refusals', async () => {
      const clock = new ManualClock(Date.now());
      const s = await backend.start({
        clock,
        env: { METRICS_PORT: '0', LOGIN_ACCOUNT_FAILURES: '1' },
      });
      try {
        assert.ok(s.app.metricsUrl?.startsWith('http://127.0.0.1:'));
        assert.notEqual(new URL(s.app.metricsUrl!).port, new URL(s.url).port, 'a port of its own');
        // Not on the API's port.
        assertError(await call(s.url, 'GET', '/metrics'), 'ROUTE_NOT_FOUND');

        const before = (await samples(s)).all;
        for (const outcome of ['approved', 'denied', 'expired', 'redeemed']) {
          assert.equal(sampleValue(before, 'scanlogin_qr_logins_total', { outcome }), 0, outcome);
        }
        assert.equal(sampleValue(before, 'scanlogin_qr_codes_waiting'), 0);
        assert.ok(
          before.some((x) => x.name === 'nodejs_eventloop_lag_seconds'),
          'event-loop lag',
        );

        const alice = await appLogin(s);
        // Approved, then redeemed by the website's backend.
        const { ticket } = await approvedCode(s, alice);
        assertOk(
          await call(s.url, 'POST', '/api/v2/qrcode/userinfo', {
            body: { ticket },
            headers: { authorization: basic(s.seed.app.id, s.seed.app.secret) },
          }),
        );
        // Denied on the phone.
        const refused = await generate(s);
        assertOk(await appAction(s, 'scanned', refused.random, alice));
        assertOk(await appAction(s, 'cancel', refused.random, alice));
        // Left waiting: one scanned, one untouched; a page follows the untouched one.
        const scanned = await generate(s);
        assertOk(await appAction(s, 'scanned', scanned.random, alice));
        const waiting = await generate(s);
        const stream = await openSse(`${s.url}/api/v2/qrcode/events?random=${waiting.random}`);
        assert.equal((await stream.next())?.data.status, 0);
        // A 404 whose URL carries an id, and the login throttle's refusal.
        assertError(await call(s.url, 'GET', `/api/v2/nowhere/${waiting.random}`), 'ROUTE_NOT_FOUND');
        const wrong = { account: 'bob', password: 'not-bobs-password' };
        const headers = { 'x-authing-app-id': s.seed.app.id };
        assertError(
          await call(s.url, 'POST', '/api/v2/login/account', { body: wrong, headers }),
          'WRONG_CREDENTIALS',
        );
        assertError(
          await call(s.url, 'POST', '/api/v2/login/account', { body: wrong, headers }),
          'TOO_MANY_LOGIN_ATTEMPTS',
        );

        const during = await samples(s);
        const m = during.all;
        assert.equal(sampleValue(m, 'scanlogin_qr_logins_total', { outcome: 'approved' }), 1);
        assert.equal(sampleValue(m, 'scanlogin_qr_logins_total', { outcome: 'redeemed' }), 1);
        assert.equal(sampleValue(m, 'scanlogin_qr_logins_total', { outcome: 'denied' }), 1);
        assert.equal(sampleValue(m, 'scanlogin_qr_logins_total', { outcome: 'expired' }), 0);
        assert.equal(sampleValue(m, 'scanlogin_qr_codes_waiting'), 2, 'the scanned and the untouched code');
        assert.equal(sampleValue(m, 'scanlogin_held_requests', { kind: 'event_stream' }), 1);
        assert.equal(sampleValue(m, 'scanlogin_held_requests', { kind: 'long_poll' }), 0);
        const route = (method: string, r: string, status: string) =>
          sampleValue(m, requests, { method, route: r, status });
        assert.equal(route('POST', '/api/v2/qrcode/confirm', '200'), 1);
        assert.equal(route('POST', '/api/v2/qrcode/scanned', '200'), 3);
        assert.equal(route('POST', '/api/v2/qrcode/userinfo', '200'), 1);
        assert.equal(route('POST', '/api/v2/login/account', '401'), 1);
        assert.equal(route('POST', '/api/v2/login/account', '429'), 1);
        assert.equal(route('GET', 'unmatched', '404'), 2, '/metrics and /nowhere/...');
        assert.equal(
          sampleValue(m, 'scanlogin_rate_limit_refusals_total', {
            route: '/api/v2/login/account',
            reason: 'too_many_login_attempts',
          }),
          1,
        );
        assert.ok(
          sampleValue(m, 'scanlogin_http_request_duration_seconds_bucket', {
            method: 'POST',
            route: '/api/v2/qrcode/confirm',
            status: '200',
            le: '+Inf',
          }) === 1,
        );
        // Route patterns only: no code id, ticket or token in any label.
        for (const secret of [waiting.random, scanned.random, refused.random, ticket, alice]) {
          assert.ok(!during.text.includes(secret), 'no id in the metrics');
        }

        await stream.close();
        // The untouched and the scanned code run out; the sweep counts them once.
        clock.advance(121_000);
        await s.services.qr.deleteExpired();
        await s.services.qr.deleteExpired();
        const after = (await samples(s)).all;
        assert.equal(sampleValue(after, 'scanlogin_qr_logins_total', { outcome: 'expired' }), 2);
        assert.equal(sampleValue(after, 'scanlogin_qr_codes_waiting'), 0);
        assert.equal(sampleValue(after, 'scanlogin_held_requests', { kind: 'event_stream' }), 0);
        assert.equal(sampleValue(after, 'scanlogin_storage_errors_total', { source: 'request' }), 0);
      } finally {
        await s.close();
      }
    });
  });
}

describe('metrics', () => {
  it('are off unless METRICS_PORT is set', async () => {
    const s = await startTestServer();
    try {
      assert.equal(s.app.metrics, null);
      assert.equal(s.app.metricsUrl, null);
      assertError(await call(s.url, 'GET', '/metrics'), 'ROUTE_NOT_FOUND');
    } finally {
      await s.close();
    }
  });

  it('ask for the bearer token when METRICS_TOKEN is set', async () => {
    const token = 'a-long-scrape-token-0123456789';
    const s = await startTestServer({ env: { METRICS_PORT: '0', METRICS_TOKEN: token } });
    try {
      const refused: Record<string, string>[] = [
        {},
        { authorization: 'Bearer wrong-token' },
        { authorization: token },
      ];
      for (const headers of refused) {
        const r = await scrape(s, headers);
        assert.equal(r.status, 401, JSON.stringify(headers));
        assert.doesNotMatch(r.text, /scanlogin_/);
      }
      const ok = await scrape(s, { authorization: `Bearer ${token}` });
      assert.equal(ok.status, 200);
      assert.match(ok.text, /^scanlogin_qr_logins_total\{outcome="approved"\} 0$/m);
    } finally {
      await s.close();
    }
  });

  it('count storage errors met by requests (SQLite gone)', async () => {
    const s = await startTestServer({ env: { METRICS_PORT: '0' } });
    try {
      await s.services.storage.close();
      assertError(await call(s.url, 'GET', '/health/ready'), 'STORAGE_UNAVAILABLE');
      const m = (await samples(s)).all;
      assert.ok(sampleValue(m, 'scanlogin_storage_errors_total', { source: 'request' }) >= 1);
      // The codes-waiting count could not be read either: counted, and the scrape still answers.
      assert.equal(sampleValue(m, 'scanlogin_storage_errors_total', { source: 'metrics' }), 1);
    } finally {
      await s.close();
    }
  });
});
