import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { QrStatus } from '@scanlogin/protocol';
import { Redis } from 'ioredis';
import { StorageUnavailableError } from '../src/domain/errors.js';
import { storageConformance } from '../src/storage/conformance.js';
import type { QrSessionRecord, Storage } from '../src/storage/contracts.js';
import { openRedis, type RedisHotStorage } from '../src/storage/redis/index.js';
import { SqliteStorage } from '../src/storage/sqlite/index.js';
import { startRedis, type TestRedis } from './support/redis.js';

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
  lines: string[] = [],
): Promise<RedisHotStorage> {
  return openRedis(url, { keyPrefix, report: (line) => lines.push(line) });
}

/** The cluster layout: hot contracts from Redis, durable ones from SQLite (PostgreSQL later). */
async function composedStorage(): Promise<Storage> {
  const { url } = await redisServer();
  const hot = await openHot(url);
  const durable = new SqliteStorage(':memory:');
  return {
    directory: durable.directory,
    keys: durable.keys,
    audit: durable.audit,
    webSessions: durable.webSessions,
    sessions: hot.sessions,
    counters: hot.counters,
    events: hot.events,
    // Every kind of artifact through Redis, so the suite covers the adapter whole.
    oidc: hot.oidc,
    async ping() {
      await Promise.all([durable.ping(), hot.ping()]);
    },
    async close() {
      await Promise.all([hot.close(), durable.close()]);
    },
  };
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

/** Retries `check` until it stops throwing (or rethrows after `timeoutMs`). */
async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await sleep(25);
    }
  }
}

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
    const s = session({ publicId: `pub-${randomUUID()}` });
    await hot.sessions.createSession(s);
    const ttl = (key: string) => raw.pttl(key);
    // Created at T0 and useless at T0 + 120 s: 120 s plus the 60 s grace.
    for (const key of [`${prefix}qr:s:${s.random}`, `${prefix}qr:p:${s.publicId}`]) {
      const left = await ttl(key);
      assert.ok(left > 170_000 && left <= 180_000, `${key}: ${left}`);
    }
    // A ticket approved at T0 + 10 s living 300 s extends everything to 300 s + grace from then.
    const ticket = `t-${randomUUID()}`;
    await hot.sessions.transition(s.random, {
      from: QrStatus.Pending,
      to: QrStatus.Authorized,
      now: T0 + 10_000,
      set: { ticket, ticketExpiresAt: T0 + 310_000 },
    });
    for (const key of [
      `${prefix}qr:s:${s.random}`,
      `${prefix}qr:p:${s.publicId}`,
      `${prefix}qr:t:${ticket}`,
    ]) {
      const left = await ttl(key);
      assert.ok(left > 350_000 && left <= 360_000, `${key}: ${left}`);
    }
    await hot.counters.increment('ttl-check', 5000, T0);
    const counterLeft = await ttl(`${prefix}ctr:ttl-check`);
    assert.ok(counterLeft > 60_000 && counterLeft <= 65_000, `counter: ${counterLeft}`);
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
      assert.equal(await own.sessions.deleteExpired(T0 + 299_999), 0, 'the ticket still lives');
      assert.equal(await own.sessions.deleteExpired(T0 + 300_000), 1);
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
      assert.equal(await other.sessions.deleteExpired(T0 + 1), 1234);
      assert.equal(await raw.zcard(`${batchPrefix}qr:expiry`), 0);
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

      const heardByA: QrSessionRecord[] = [];
      const heardByB: QrSessionRecord[] = [];
      const offA = a.events.subscribe(s.random, (x) => heardByA.push(x));
      const offB = b.events.subscribe(s.random, (x) => heardByB.push(x));
      const scanned = await a.sessions.transition(s.random, {
        from: QrStatus.Pending,
        to: QrStatus.Scanned,
        now: T0,
        set: { userId: 'u' },
      });
      assert.ok(scanned);
      a.events.publish(scanned);
      await eventually(() => {
        assert.deepEqual(heardByA, [scanned]);
        assert.deepEqual(heardByB, [scanned]);
      });
      offA();
      offB();
      assert.equal(a.events.watchedCount, 0);

      // A third instance with another prefix hears nothing of it.
      const stranger = await openHot(server.url);
      const heardByStranger: QrSessionRecord[] = [];
      stranger.events.subscribe(s.random, (x) => heardByStranger.push(x));
      b.events.publish(scanned);
      await sleep(50);
      assert.deepEqual(heardByStranger, []);
      await stranger.close();
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('fails to open, quickly, when nobody listens', async () => {
    const gone = await startRedis();
    await gone.stop();
    const started = Date.now();
    await assert.rejects(
      openRedis(gone.url, { startupTimeoutMs: 300, report: () => {} }),
      StorageUnavailableError,
    );
    assert.ok(Date.now() - started < 2000);
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
    const lines: string[] = [];
    const hot = await openHot(server.url, freshPrefix(), lines);
    try {
      const s = session({ status: QrStatus.Scanned, userId: 'u' });
      await hot.sessions.createSession(s);
      const heard: QrSessionRecord[] = [];
      hot.events.subscribe(s.random, (x) => heard.push(x));

      await server.stopServer();
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
        increment: () => hot.counters.increment('c', 1000, T0),
        get: () => hot.counters.get('c', T0),
        reset: () => hot.counters.reset('c'),
        ping: () => hot.ping(),
      };
      for (const [name, call] of Object.entries(calls)) {
        const started = Date.now();
        await assert.rejects(call(), StorageUnavailableError, name);
        assert.ok(Date.now() - started < 500, `${name} took ${Date.now() - started} ms`);
      }
      assert.doesNotThrow(() => hot.events.publish(s));
      await sleep(300); // a few reconnect attempts fail meanwhile

      await server.startServerAgain();
      await eventually(() => hot.ping());
      // The restarted server is empty (no persistence); the same objects work again.
      await hot.sessions.createSession(s);
      const cancelled = await hot.sessions.transition(s.random, {
        from: QrStatus.Scanned,
        to: QrStatus.Cancelled,
        now: T0,
      });
      assert.equal(cancelled?.status, QrStatus.Cancelled);
      assert.deepEqual((await hot.counters.increment('c', 1000, T0)).count, 1);
      // The pattern subscription came back with the connection.
      hot.events.publish(cancelled!);
      await eventually(() => assert.deepEqual(heard, [cancelled]));

      assert.deepEqual(unexpected, []);
      assert.ok(lines.some((l) => l.includes('(commands) unavailable')));
      assert.ok(lines.some((l) => l.includes('(events) unavailable')));
      assert.ok(lines.some((l) => l.includes('(commands) available again')));
      assert.ok(lines.some((l) => l.includes('(events) available again')));
    } finally {
      process.off('unhandledRejection', onUnexpected);
      process.off('uncaughtException', onUnexpected);
      await hot.close();
    }
  });
});
