import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { QrStatus } from '@scanlogin/protocol';
import { Redis } from 'ioredis';
import { StorageUnavailableError } from '../src/domain/errors.js';
import type { QrSessionRecord, Storage } from '../src/domain/ports.js';
import { composeStorage } from '../src/storage/compose.js';
import { openRedis, type RedisHotStorage } from '../src/storage/redis/index.js';
import { SqliteStorage } from '../src/storage/sqlite/index.js';
import { storageConformance } from './support/conformance.js';
import { startRedis, type TestRedis, UNHURRIED_REDIS } from './support/redis.js';
import { LineLog } from './support/signals.js';

// One server for the file, started on first use (so a missing redis-server
// fails the tests that need it with the install hint).
let shared: Promise<TestRedis> | null = null;
const redisServer = () => {
  shared ??= startRedis();
  return shared;
};
after(async () => {
  if (shared) await (await shared).stop();
});

/** A fresh key prefix per opening, so runs and cases never see each other's data. */
const freshPrefix = () => `test:${randomUUID()}:`;

async function openHot(
  url: string,
  keyPrefix = freshPrefix(),
  log = new LineLog(),
): Promise<RedisHotStorage> {
  return openRedis(url, { ...UNHURRIED_REDIS, keyPrefix, report: log.push });
}

/** Subscribes to one code's changes; `next()` is the next change heard (already heard, or still to come). */
function listen(hot: RedisHotStorage, random: string) {
  const heard: QrSessionRecord[] = [];
  const waiting: ((s: QrSessionRecord) => void)[] = [];
  const off = hot.events.subscribe(random, (s) => {
    heard.push(s);
    waiting.shift()?.(s);
  });
  let read = 0;
  return {
    heard,
    off,
    next(): Promise<QrSessionRecord> {
      const i = read++;
      if (i < heard.length) return Promise.resolve(heard[i]!);
      return new Promise((resolve) => waiting.push(resolve));
    },
  };
}

/** The cluster layout: hot contracts from Redis, durable ones from SQLite (PostgreSQL later). */
async function composedStorage(): Promise<Storage> {
  const { url } = await redisServer();
  const hot = await openHot(url);
  const durable = new SqliteStorage(':memory:');
  // Every kind of artifact through Redis (as the durable half's too), so the suite covers the adapter whole.
  return composeStorage(
    {
      directory: durable.directory,
      keys: durable.keys,
      audit: durable.audit,
      webSessions: durable.webSessions,
      oidc: hot.oidc,
      ping: () => durable.ping(),
      close: () => durable.close(),
    },
    hot,
  );
}

storageConformance('Redis + SQLite', composedStorage);

const T0 = Date.UTC(2026, 0, 1);
const session = (over: Partial<QrSessionRecord> = {}): QrSessionRecord => {
  const random = over.random ?? `qr-${randomUUID()}`;
  return {
    random,
    publicId: random,
    publicIdExpiresAt: null,
    appId: 'app-1',
    poolId: 'pool-1',
    status: QrStatus.Pending,
    createdAt: T0,
    expiresAt: T0 + 120_000,
    customData: null,
    userId: null,
    ticket: null,
    ticketExpiresAt: null,
    ticketUsed: false,
    seq: 0,
    requestContext: null,
    checkCode: null,
    checkChoices: null,
    bindingHash: null,
    ...over,
  };
};

describe('Redis adapter', () => {
  let server: TestRedis;
  let hot: RedisHotStorage;
  let raw: Redis;
  let prefix: string;
  before(async () => {
    server = await redisServer();
    prefix = freshPrefix();
    hot = await openHot(server.url, prefix);
    raw = new Redis(server.url);
  });
  after(async () => {
    await hot.close();
    raw.disconnect();
  });

  it('lets exactly one of 1,000 concurrent transitions win', async () => {
    const s = session({ status: QrStatus.Scanned, userId: 'alice' });
    await hot.sessions.createSession(s);
    const results = await Promise.all(
      Array.from({ length: 1000 }, (_, i) =>
        hot.sessions.transition(s.random, {
          from: QrStatus.Scanned,
          to: i % 2 ? QrStatus.Authorized : QrStatus.Cancelled,
          now: T0,
          expectUserId: 'alice',
          ...(i % 2 ? { set: { ticket: `t-${s.random}-${i}`, ticketExpiresAt: T0 + 300_000 } } : {}),
        }),
      ),
    );
    const winners = results.filter((r) => r !== null);
    assert.equal(winners.length, 1);
    const stored = await hot.sessions.getSession(s.random);
    assert.deepEqual(stored, winners[0]);
    assert.equal(stored?.seq, 1);
    // Only the winner's ticket (if it set one) is indexed.
    const indexed = await raw.keys(`${prefix}qr:t:t-${s.random}-*`);
    assert.deepEqual(indexed, stored?.ticket ? [`${prefix}qr:t:${stored.ticket}`] : []);
  });

  it('lets exactly one of 1,000 concurrent consumes of a ticket win', async () => {
    const ticket = `t-${randomUUID()}`;
    const s = session({ status: QrStatus.Scanned, userId: 'alice' });
    await hot.sessions.createSession(s);
    await hot.sessions.transition(s.random, {
      from: QrStatus.Scanned,
      to: QrStatus.Authorized,
      now: T0,
      set: { ticket, ticketExpiresAt: T0 + 300_000 },
    });
    const results = await Promise.all(
      Array.from({ length: 1000 }, () => hot.sessions.consumeTicket(ticket, 'app-1', T0 + 1)),
    );
    const winners = results.filter((r) => r !== null);
    assert.equal(winners.length, 1);
    assert.deepEqual(winners[0], { random: s.random, appId: 'app-1', poolId: 'pool-1', userId: 'alice' });
  });

  it('round-trips every kind of value, including empty arrays and objects', async () => {
    const s = session({
      publicId: `pub-${randomUUID()}`,
      publicIdExpiresAt: T0 + 30_000,
      customData: { list: [], nested: { empty: {} }, n: 1.5, big: Number.MAX_SAFE_INTEGER, s: '' },
      requestContext: { ip: '2001:db8::1', origin: null, userAgent: 'UA "quoted" ü' },
      checkCode: 42,
      checkChoices: [42, 7, 99],
      bindingHash: '',
    });
    await hot.sessions.createSession(s);
    assert.deepEqual(await hot.sessions.getSession(s.random), s);
    assert.deepEqual(await hot.sessions.findByPublicId(s.publicId), s);
  });

  it('gives keys TTLs from the record times, not from the wall clock', async () => {
    // A key's remaining TTL shrinks as real time passes. Instead of assuming that
    // little has passed, each check measures it with Redis's own clock: from just
    // before the write to just after the reads, at most `passed` ms can have gone.
    const redisNow = async () => {
      const [seconds, micros] = await raw.time();
      return Number(seconds) * 1000 + Number(micros) / 1000;
    };
    const assertTtls = async (keys: string[], write: () => Promise<unknown>, ttl: number) => {
      const before = await redisNow();
      await write();
      const left = await Promise.all(keys.map((key) => raw.pttl(key)));
      const passed = (await redisNow()) - before;
      for (const [i, key] of keys.entries()) {
        // PTTL is rounded to the millisecond: allow that one.
        assert.ok(
          left[i]! <= ttl && left[i]! >= ttl - passed - 1,
          `${key}: ${left[i]} of ${ttl}, ${passed} ms later`,
        );
      }
    };
    const s = session({ publicId: `pub-${randomUUID()}` });
    // Created at T0 and useless at T0 + 120 s: 120 s plus the 60 s grace.
    await assertTtls(
      [`${prefix}qr:s:${s.random}`, `${prefix}qr:p:${s.publicId}`],
      () => hot.sessions.createSession(s),
      180_000,
    );
    // A ticket approved at T0 + 10 s living 300 s extends everything to 300 s + grace from then.
    const ticket = `t-${randomUUID()}`;
    await assertTtls(
      [`${prefix}qr:s:${s.random}`, `${prefix}qr:p:${s.publicId}`, `${prefix}qr:t:${ticket}`],
      () =>
        hot.sessions.transition(s.random, {
          from: QrStatus.Pending,
          to: QrStatus.Authorized,
          now: T0 + 10_000,
          set: { ticket, ticketExpiresAt: T0 + 310_000 },
        }),
      360_000,
    );
    // A 5 s counter window plus the grace.
    await assertTtls([`${prefix}ctr:ttl-check`], () => hot.counters.increment('ttl-check', 5000, T0), 65_000);
  });

  it('sweeps a useless session together with its public id and ticket entries', async () => {
    const sweepPrefix = freshPrefix();
    const own = await openHot(server.url, sweepPrefix);
    try {
      const s = session({ publicId: `pub-${randomUUID()}` });
      await own.sessions.createSession(s);
      const ticket = `t-${randomUUID()}`;
      await own.sessions.transition(s.random, {
        from: QrStatus.Pending,
        to: QrStatus.Authorized,
        now: T0,
        set: { ticket, ticketExpiresAt: T0 + 300_000 },
      });
      assert.equal((await own.sessions.deleteExpired(T0 + 299_999)).removed, 0, 'the ticket still lives');
      assert.equal((await own.sessions.deleteExpired(T0 + 300_000)).removed, 1);
      assert.equal(await own.sessions.getSession(s.random), null);
      assert.equal(await own.sessions.findByPublicId(s.publicId), null);
      assert.equal(await own.sessions.peekTicket(ticket, T0), null);
      assert.deepEqual(await raw.keys(`${sweepPrefix}qr:*`), []);
    } finally {
      await own.close();
    }
  });

  it('sweeps in batches', async () => {
    const batchPrefix = freshPrefix();
    const other = await openHot(server.url, batchPrefix);
    try {
      await Promise.all(
        Array.from({ length: 1234 }, () => other.sessions.createSession(session({ expiresAt: T0 + 1 }))),
      );
      assert.deepEqual(await other.sessions.deleteExpired(T0 + 1), { removed: 1234, expiredUndecided: 1234 });
      assert.equal(await raw.zcard(`${batchPrefix}qr:expiry`), 0);
      assert.equal(await raw.zcard(`${batchPrefix}qr:open`), 0);
    } finally {
      await other.close();
    }
  });

  it('rejects a clash on a ticket held by another session without changing anything', async () => {
    const ticket = `t-${randomUUID()}`;
    const a = session({ status: QrStatus.Scanned, userId: 'u' });
    const b = session({ status: QrStatus.Scanned, userId: 'u' });
    await hot.sessions.createSession(a);
    await hot.sessions.createSession(b);
    const approve = { from: QrStatus.Scanned, to: QrStatus.Authorized, now: T0 } as const;
    await hot.sessions.transition(a.random, { ...approve, set: { ticket, ticketExpiresAt: T0 + 1000 } });
    await assert.rejects(
      hot.sessions.transition(b.random, { ...approve, set: { ticket, ticketExpiresAt: T0 + 1000 } }),
      { name: 'ConflictError', field: 'ticket' },
    );
    assert.deepEqual(await hot.sessions.getSession(b.random), b);
    assert.equal((await hot.sessions.peekTicket(ticket, T0))?.random, a.random);
  });

  it('shares sessions and events between two instances', async () => {
    const sharedPrefix = freshPrefix();
    const a = await openHot(server.url, sharedPrefix);
    const b = await openHot(server.url, sharedPrefix);
    try {
      const s = session();
      await b.sessions.createSession(s);
      assert.deepEqual(await a.sessions.getSession(s.random), s);

      const byA = listen(a, s.random);
      const byB = listen(b, s.random);
      const scanned = await a.sessions.transition(s.random, {
        from: QrStatus.Pending,
        to: QrStatus.Scanned,
        now: T0,
        set: { userId: 'u' },
      });
      assert.ok(scanned);
      a.events.publish(scanned);
      assert.deepEqual(await byA.next(), scanned);
      assert.deepEqual(await byB.next(), scanned);
      byA.off();
      byB.off();
      assert.equal(a.events.watchedCount, 0);

      // A third instance with another prefix hears nothing of it. Its own change,
      // published after Redis has handled B's, is the sentinel: Redis delivers
      // messages to a subscriber in the order it handled the publishes, so by the
      // time the stranger hears its own change it would have heard B's before.
      const strangerPrefix = freshPrefix();
      const stranger = await openHot(server.url, strangerPrefix);
      try {
        const byStranger = listen(stranger, s.random);
        b.events.publish(scanned);
        await b.ping(); // same connection as the publish: Redis has handled it once this answers
        stranger.events.publish({ ...scanned, seq: 99 });
        assert.deepEqual(await byStranger.next(), { ...scanned, seq: 99 }, 'only its own change');
        assert.equal(byStranger.heard.length, 1);
      } finally {
        await stranger.close();
      }
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('fails to open when nobody listens, once its startup time is up (no retrying forever)', async () => {
    const gone = await startRedis();
    await gone.stop();
    const err = await openRedis(gone.url, { startupTimeoutMs: 300, report: () => {} }).then(
      () => assert.fail('opened without a server'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof StorageUnavailableError, String(err));
    // The reason is the refused connection, or (if not even one attempt had
    // failed when the startup time ran out, on a very busy machine) the startup time itself.
    const cause = err.cause as NodeJS.ErrnoException;
    assert.ok(
      cause.code === 'ECONNREFUSED' || cause.message === 'no connection within 300 ms',
      `cause: ${String(cause)}`,
    );
  });
});

describe('Redis adapter while Redis goes away and comes back', () => {
  let server: TestRedis;
  before(async () => {
    server = await startRedis();
  });
  after(async () => server.stop());

  it('fails fast with StorageUnavailableError, crashes nothing, and recovers with the same objects', async () => {
    const unexpected: unknown[] = [];
    const onUnexpected = (err: unknown) => unexpected.push(err);
    process.on('unhandledRejection', onUnexpected);
    process.on('uncaughtException', onUnexpected);
    const log = new LineLog();
    const hot = await openHot(server.url, freshPrefix(), log);
    try {
      const s = session({ status: QrStatus.Scanned, userId: 'u' });
      await hot.sessions.createSession(s);
      const heard = listen(hot, s.random);

      const outage = log.mark();
      await server.stopServer();
      // Both connections have noticed: each reports its first failed reconnection attempt.
      await Promise.all([
        log.untilIncludes('redis (commands) unavailable: ', outage),
        log.untilIncludes('redis (events) unavailable: ', outage),
      ]);

      const calls: Record<string, () => Promise<unknown>> = {
        createSession: () => hot.sessions.createSession(session()),
        getSession: () => hot.sessions.getSession(s.random),
        findByPublicId: () => hot.sessions.findByPublicId(s.publicId),
        rotatePublicId: () =>
          hot.sessions.rotatePublicId(s.random, { publicId: 'x', publicIdExpiresAt: T0, now: T0 }),
        transition: () =>
          hot.sessions.transition(s.random, { from: QrStatus.Scanned, to: QrStatus.Cancelled, now: T0 }),
        peekTicket: () => hot.sessions.peekTicket('t', T0),
        consumeTicket: () => hot.sessions.consumeTicket('t', 'app-1', T0),
        deleteExpired: () => hot.sessions.deleteExpired(T0),
        countWaiting: () => hot.sessions.countWaiting(T0),
        increment: () => hot.counters.increment('c', 1000, T0),
        get: () => hot.counters.get('c', T0),
        reset: () => hot.counters.reset('c'),
        ping: () => hot.ping(),
      };
      for (const [name, call] of Object.entries(calls)) {
        const err = await call().then(
          () => assert.fail(`${name} succeeded without Redis`),
          (e: unknown) => e,
        );
        assert.ok(err instanceof StorageUnavailableError, `${name}: ${String(err)}`);
        // Fast: refused on the spot, never sent, never queued. (The adapter's
        // timeouts are out of reach here, so this cannot have been a timeout.)
        assert.match(String((err.cause as Error).message), /enableOfflineQueue/, name);
      }
      assert.doesNotThrow(() => hot.events.publish(s));

      await server.startServerAgain();
      // Both connections came back by themselves (and the events one re-subscribed before saying so).
      await Promise.all([
        log.untilIncludes('redis (commands) available again', outage),
        log.untilIncludes('redis (events) available again', outage),
      ]);
      await hot.ping();
      // The restarted server is empty (no persistence); the same objects work again.
      await hot.sessions.createSession(s);
      const cancelled = await hot.sessions.transition(s.random, {
        from: QrStatus.Scanned,
        to: QrStatus.Cancelled,
        now: T0,
      });
      assert.equal(cancelled?.status, QrStatus.Cancelled);
      assert.deepEqual((await hot.counters.increment('c', 1000, T0)).count, 1);
      // The pattern subscription came back with the connection: the change is
      // heard, and it is the first one (the one published while Redis was away is lost).
      hot.events.publish(cancelled!);
      assert.deepEqual(await heard.next(), cancelled);
      assert.equal(heard.heard.length, 1);

      assert.deepEqual(unexpected, []);
    } finally {
      process.off('unhandledRejection', onUnexpected);
      process.off('uncaughtException', onUnexpected);
      await hot.close();
    }
  });
});
