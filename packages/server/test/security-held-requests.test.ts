/**
 * Regression (issue 13, finding 9): one address could hold any number of
 * status streams open, each a connection and a subscription on this
 * instance. Now HELD_PER_IP caps the streams and long-polls an address holds
 * at once; one more is refused with 429 and Retry-After, other addresses are
 * unaffected, and closing one frees its place.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../src/domain/clock.js';
import { assertError, generate, startTestServer, type TestServer } from './helpers.js';

const CAP = 3;

describe('HELD_PER_IP: status streams and long-polls one address may hold', () => {
  let s: TestServer;
  let random: string;
  const open: AbortController[] = [];
  before(async () => {
    // TRUST_PROXY=1: this test plays the proxy, so each request can come from the address it names.
    // The clock stands still, so no held request ends by itself.
    s = await startTestServer({
      clock: new ManualClock(Date.now()),
      env: { TRUST_PROXY: '1', HELD_PER_IP: String(CAP) },
    });
    ({ random } = await generate(s));
  });
  after(async () => {
    for (const c of open) c.abort();
    await s.close();
  });

  /** Opens a stream as `ip`; resolves with its status once the answer's head arrived. */
  async function stream(
    ip: string,
  ): Promise<{ status: number; retryAfter: string | null; close: () => void }> {
    const controller = new AbortController();
    open.push(controller);
    const res = await fetch(`${s.url}/api/v2/qrcode/events?random=${random}`, {
      headers: { 'x-forwarded-for': ip },
      signal: controller.signal,
    });
    if (res.status !== 200) await res.text();
    return {
      status: res.status,
      retryAfter: res.headers.get('retry-after'),
      close: () => controller.abort(),
    };
  }

  /** Waits until the server has let go of what `ip` closed. */
  async function heldBy(ip: string, n: number): Promise<void> {
    while (s.app.heldRequests.count(ip) !== n) await new Promise((r) => setImmediate(r));
  }

  it('a parallel burst of streams from one address gets the cap; one more is a 429 with Retry-After', async () => {
    const burst = await Promise.all(Array.from({ length: 10 }, () => stream('198.51.100.1')));
    assert.equal(burst.filter((r) => r.status === 200).length, CAP);
    const refused = burst.filter((r) => r.status === 429);
    assert.equal(refused.length, 10 - CAP);
    for (const r of refused) assert.equal(r.retryAfter, '10');
    assert.equal(s.app.heldRequests.count('198.51.100.1'), CAP);
  });

  it('a long-poll from the same address is refused too; another address is not affected', async () => {
    const longPoll = await fetch(`${s.url}/api/v2/qrcode/check?random=${random}&wait=25&seq=0`, {
      headers: { 'x-forwarded-for': '198.51.100.1' },
    });
    assert.equal(longPoll.status, 429);
    assertError(
      { status: longPoll.status, headers: longPoll.headers, body: await longPoll.json() },
      'RATE_LIMITED',
    );
    const other = await stream('198.51.100.2');
    assert.equal(other.status, 200);
  });

  it('closing a stream gives its place back', async () => {
    const held = await Promise.all(Array.from({ length: CAP }, () => stream('198.51.100.3')));
    assert.deepEqual(
      held.map((r) => r.status),
      Array(CAP).fill(200),
    );
    assert.equal((await stream('198.51.100.3')).status, 429);
    held[0]!.close();
    await heldBy('198.51.100.3', CAP - 1);
    assert.equal((await stream('198.51.100.3')).status, 200);
  });
});
