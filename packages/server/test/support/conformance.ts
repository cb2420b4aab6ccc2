/**
 * The storage conformance suite: one set of cases, run against every adapter.
 * An adapter is done when this passes. Call it from a test file with a
 * factory that returns a fresh, empty storage:
 *
 *   storageConformance('sqlite', () => new SqliteStorage(':memory:'));
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { QrStatus } from '@scanlogin/protocol';
import {
  type AppRecord,
  ConflictError,
  DEFAULT_POOL_SECURITY,
  DEFAULT_QR_SETTINGS,
  type QrSessionRecord,
  type Storage,
  type UserRecord,
  type WebSessionRecord,
} from '../../src/domain/ports.js';
import { oidcArtifactCases } from './oidc-conformance.js';

let n = 0;
const id = (prefix: string) =>
  `${prefix}${(++n).toString().padStart(6, '0')}${Math.random().toString(16).slice(2, 10)}`;
const T0 = Date.UTC(2026, 0, 1);

export function storageConformance(name: string, open: () => Storage | Promise<Storage>): void {
  describe(`storage conformance: ${name}`, () => {
    let st: Storage;
    let poolId: string;
    let otherPoolId: string;
    before(async () => {
      st = await open();
      poolId = id('pool');
      otherPoolId = id('pool');
      for (const p of [poolId, otherPoolId]) {
        await st.directory.insertPool({
          id: p,
          name: p,
          rsaPublicKey: 'pub',
          rsaPrivateKey: 'priv',
          security: { ...DEFAULT_POOL_SECURITY },
          createdAt: T0,
        });
      }
    });
    after(async () => st.close());

    const app = (over: Partial<AppRecord> = {}): AppRecord => ({
      id: id('app'),
      poolId,
      name: 'An app',
      logo: null,
      secretHash: 'h'.repeat(64),
      allowedOrigins: [],
      qr: { ...DEFAULT_QR_SETTINGS },
      createdAt: T0,
      ...over,
    });
    const user = (over: Partial<UserRecord> = {}): UserRecord => ({
      id: id('user'),
      poolId,
      username: id('name'),
      email: null,
      phone: null,
      passwordHash: null,
      nickname: 'Nick',
      photo: null,
      blocked: false,
      customData: {},
      createdAt: T0,
      updatedAt: T0,
      ...over,
    });
    const session = (over: Partial<QrSessionRecord> = {}): QrSessionRecord => {
      const random = over.random ?? id('qr');
      return {
        random,
        publicId: random,
        publicIdExpiresAt: null,
        appId: 'app-x',
        poolId,
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

    describe('directory', () => {
      it('stores and lists pools', async () => {
        const p = await st.directory.getPool(poolId);
        assert.equal(p?.id, poolId);
        assert.equal(await st.directory.getPool('missing'), null);
        const ids = (await st.directory.listPools()).map((x) => x.id);
        assert.ok(ids.includes(poolId) && ids.includes(otherPoolId));
      });

      it('rejects a duplicate pool id with ConflictError', async () => {
        await assert.rejects(
          st.directory.insertPool({
            id: poolId,
            name: 'x',
            rsaPublicKey: 'p',
            rsaPrivateKey: 'q',
            security: { ...DEFAULT_POOL_SECURITY },
            createdAt: T0,
          }),
          ConflictError,
        );
      });

      it('keeps apps with their origins and settings, and answers origin lookups', async () => {
        const origin = `https://${id('site')}.example`;
        const a = app({ allowedOrigins: [origin], qr: { ...DEFAULT_QR_SETTINGS, returnFullUserInfo: true } });
        await st.directory.insertApp(a);
        assert.deepEqual(await st.directory.getApp(a.id), a);
        assert.equal(await st.directory.isOriginAllowedByAnyApp(origin), true);
        assert.equal(await st.directory.isOriginAllowedByAnyApp('https://nobody.example'), false);
        assert.ok((await st.directory.listApps(poolId)).some((x) => x.id === a.id));
        assert.ok(!(await st.directory.listApps(otherPoolId)).some((x) => x.id === a.id));

        const other = `https://${id('other')}.example`;
        const updated = await st.directory.updateApp(a.id, { allowedOrigins: [other], name: 'Renamed' });
        assert.deepEqual(updated?.allowedOrigins, [other]);
        assert.equal(updated?.name, 'Renamed');
        assert.equal(updated?.qr.returnFullUserInfo, true, 'a patch keeps what it does not name');
        assert.equal(await st.directory.isOriginAllowedByAnyApp(origin), false);
        assert.equal(await st.directory.updateApp('missing', { name: 'x' }), null);

        assert.equal(await st.directory.deleteApp(a.id), true);
        assert.equal(await st.directory.getApp(a.id), null);
        assert.equal(await st.directory.deleteApp(a.id), false);
        assert.equal(await st.directory.isOriginAllowedByAnyApp(other), false);
      });

      it('finds users by username, email or phone within their pool only', async () => {
        const u = user({ email: `${id('e')}@example.com`, phone: `+1${Date.now() % 1e9}${n}` });
        await st.directory.insertUser(u);
        for (const account of [u.username!, u.email!, u.phone!]) {
          assert.equal((await st.directory.findUserByAccount(poolId, account))?.id, u.id, account);
          assert.equal(await st.directory.findUserByAccount(otherPoolId, account), null);
        }
        assert.deepEqual(await st.directory.getUser(u.id), u);
      });

      it('enforces unique username, email and phone per pool, not across pools', async () => {
        const u = user({ email: `${id('e')}@example.com`, phone: `+2${n}${Date.now() % 1e6}` });
        await st.directory.insertUser(u);
        for (const clash of [{ username: u.username }, { email: u.email }, { phone: u.phone }]) {
          await assert.rejects(st.directory.insertUser(user({ username: id('n'), ...clash })), ConflictError);
        }
        await st.directory.insertUser(user({ poolId: otherPoolId, username: u.username, email: u.email }));
        // Users without an email or phone do not clash on the missing field.
        await st.directory.insertUser(user());
        await st.directory.insertUser(user());
      });

      it('keeps one username per pool whatever its case (issue 13: usernames differing only by case)', async () => {
        const conflictOn = async (p: Promise<unknown>) => {
          const err = await p.then(
            () => assert.fail('expected a ConflictError'),
            (e: unknown) => e,
          );
          assert.ok(err instanceof ConflictError, String(err));
          return err.field;
        };
        const tag = id('x');
        const u = user({ username: `Zoë-${tag}` });
        await st.directory.insertUser(u);
        // Other cases, and the full-width form of a letter, are the same name.
        for (const clash of [`zoë-${tag}`, `ZOË-${tag.toUpperCase()}`, `Ｚoë-${tag}`]) {
          assert.equal(
            await conflictOn(st.directory.insertUser(user({ username: clash }))),
            'username',
            clash,
          );
          const found = await st.directory.findUserByAccount(poolId, clash);
          assert.equal(found?.id, u.id, clash);
          assert.equal(found?.username, `Zoë-${tag}`, 'kept as it was written');
        }
        assert.equal(await st.directory.findUserByAccount(otherPoolId, `zoë-${tag}`), null);
        await st.directory.insertUser(user({ poolId: otherPoolId, username: `ZOË-${tag}` }));

        const other = user();
        await st.directory.insertUser(other);
        assert.equal(
          await conflictOn(st.directory.updateUser(other.id, { username: `zoë-${tag}` }, T0)),
          'username',
        );
        // Its own name in another case is no clash; the new spelling is kept and the old one still finds it.
        const recased = await st.directory.updateUser(u.id, { username: `ZOË-${tag}` }, T0);
        assert.equal(recased?.username, `ZOË-${tag}`);
        assert.equal((await st.directory.findUserByAccount(poolId, `Zoë-${tag}`))?.username, `ZOË-${tag}`);
        // A freed name (cleared) can be taken again.
        await st.directory.updateUser(u.id, { username: null, email: `${tag}@example.com` }, T0);
        await st.directory.insertUser(user({ username: `zoë-${tag}` }));
      });

      it('updates users and reports conflicts on update', async () => {
        const a = user();
        const b = user();
        await st.directory.insertUser(a);
        await st.directory.insertUser(b);
        const up = await st.directory.updateUser(
          a.id,
          { nickname: 'New', blocked: true, customData: { k: 1 } },
          T0 + 5,
        );
        assert.equal(up?.nickname, 'New');
        assert.equal(up?.blocked, true);
        assert.equal(up?.updatedAt, T0 + 5);
        assert.deepEqual((await st.directory.getUser(a.id))?.customData, { k: 1 });
        await assert.rejects(st.directory.updateUser(a.id, { username: b.username }, T0), ConflictError);
        assert.equal(await st.directory.updateUser('missing', { nickname: 'x' }, T0), null);
        assert.equal(await st.directory.deleteUser(b.id), true);
        assert.equal(await st.directory.getUser(b.id), null);
      });

      it('pages through users', async () => {
        const pool = id('pool');
        await st.directory.insertPool({
          id: pool,
          name: 'p',
          rsaPublicKey: 'p',
          rsaPrivateKey: 'q',
          security: { ...DEFAULT_POOL_SECURITY },
          createdAt: T0,
        });
        for (let i = 0; i < 5; i++) await st.directory.insertUser(user({ poolId: pool, createdAt: T0 + i }));
        const first = await st.directory.listUsers(pool, { limit: 3 });
        const rest = await st.directory.listUsers(pool, { limit: 3, offset: 3 });
        assert.equal(first.length, 3);
        assert.equal(rest.length, 2);
        assert.equal(new Set([...first, ...rest].map((u) => u.id)).size, 5);
      });

      it('keeps meta values', async () => {
        assert.equal(await st.directory.getMeta('k'), null);
        await st.directory.setMeta('k', 'v1');
        await st.directory.setMeta('k', 'v2');
        assert.equal(await st.directory.getMeta('k'), 'v2');
      });

      it('lets exactly one of many concurrent claims of a meta key win', async () => {
        const key = id('claim');
        const wins = await Promise.all(
          Array.from({ length: 20 }, (_, i) => st.directory.claimMeta(key, `v${i}`)),
        );
        assert.equal(wins.filter(Boolean).length, 1);
        assert.equal(await st.directory.getMeta(key), `v${wins.indexOf(true)}`);
        assert.equal(await st.directory.claimMeta(key, 'later'), false);
      });
    });

    describe('keys', () => {
      it('inserts, retires and deletes signing keys', async () => {
        const kid = id('kid');
        await st.keys.insertKey({
          kid,
          alg: 'ES256',
          privateJwk: '{}',
          publicJwk: '{}',
          createdAt: T0,
          retiredAt: null,
        });
        await assert.rejects(
          st.keys.insertKey({
            kid,
            alg: 'ES256',
            privateJwk: '{}',
            publicJwk: '{}',
            createdAt: T0,
            retiredAt: null,
          }),
          ConflictError,
        );
        await st.keys.retireKey(kid, T0 + 10);
        await st.keys.retireKey(kid, T0 + 99); // retiring twice keeps the first time
        assert.equal((await st.keys.listKeys()).find((k) => k.kid === kid)?.retiredAt, T0 + 10);
        await st.keys.deleteKey(kid);
        assert.equal(
          (await st.keys.listKeys()).find((k) => k.kid === kid),
          undefined,
        );
      });

      it('swaps a stored private key only from the value expected (re-encryption)', async () => {
        const kid = id('kid');
        const key = { kid, alg: 'ES256' as const, publicJwk: '{}', createdAt: T0, retiredAt: null };
        await st.keys.insertKey({ ...key, privateJwk: 'plain' });
        assert.equal(await st.keys.swapPrivateJwk(kid, 'stale', 'other'), false);
        assert.equal(await st.keys.swapPrivateJwk(kid, 'plain', 'sealed'), true);
        assert.equal(await st.keys.swapPrivateJwk('missing', 'plain', 'sealed'), false);
        const stored = (await st.keys.listKeys()).find((k) => k.kid === kid);
        assert.deepEqual(stored, { ...key, privateJwk: 'sealed' });

        const pool = id('pool');
        await st.directory.insertPool({
          id: pool,
          name: 'p',
          rsaPublicKey: 'p',
          rsaPrivateKey: 'plain',
          security: { ...DEFAULT_POOL_SECURITY },
          createdAt: T0,
        });
        assert.equal(await st.directory.swapPoolPrivateKey(pool, 'stale', 'other'), false);
        assert.equal(await st.directory.swapPoolPrivateKey(pool, 'plain', 'sealed'), true);
        assert.equal(await st.directory.swapPoolPrivateKey('missing', 'plain', 'sealed'), false);
        assert.equal((await st.directory.getPool(pool))?.rsaPrivateKey, 'sealed');
        assert.equal((await st.directory.getPool(pool))?.rsaPublicKey, 'p');

        // Instances re-encrypting at the same start: one write lands, none is lost half-way.
        const wins = await Promise.all(
          Array.from({ length: 20 }, (_, i) => st.keys.swapPrivateJwk(kid, 'sealed', `v${i}`)),
        );
        assert.equal(wins.filter(Boolean).length, 1);
        const winner = `v${wins.indexOf(true)}`;
        assert.equal((await st.keys.listKeys()).find((k) => k.kid === kid)?.privateJwk, winner);
      });
    });

    describe('QR sessions', () => {
      it('round-trips a session with its context and custom data', async () => {
        const s = session({
          customData: { a: [1, 'b'] },
          requestContext: { ip: '203.0.113.9', origin: 'https://x.example', userAgent: 'UA' },
        });
        await st.sessions.createSession(s);
        assert.deepEqual(await st.sessions.getSession(s.random), s);
        assert.equal(await st.sessions.getSession('missing'), null);
        await assert.rejects(st.sessions.createSession(s), ConflictError);
      });

      it('applies a transition only from the expected status, and bumps seq', async () => {
        const s = session();
        await st.sessions.createSession(s);
        const wrong = await st.sessions.transition(s.random, {
          from: QrStatus.Scanned,
          to: QrStatus.Authorized,
          now: T0,
        });
        assert.equal(wrong, null);
        const scanned = await st.sessions.transition(s.random, {
          from: QrStatus.Pending,
          to: QrStatus.Scanned,
          now: T0,
          set: { userId: 'u1' },
        });
        assert.equal(scanned?.status, QrStatus.Scanned);
        assert.equal(scanned?.userId, 'u1');
        assert.equal(scanned?.seq, 1);
        assert.equal(
          await st.sessions.transition(s.random, { from: QrStatus.Pending, to: QrStatus.Scanned, now: T0 }),
          null,
        );
        assert.equal(
          await st.sessions.transition('missing', { from: QrStatus.Pending, to: QrStatus.Scanned, now: T0 }),
          null,
        );
      });

      it('knows a waiting code from memory only while nothing happened to it (when it offers to)', async (t) => {
        const waitingUntil = st.sessions.waitingUntil?.bind(st.sessions);
        if (!waitingUntil) return t.skip('this store reads every poll from its records');
        const s = session({ expiresAt: T0 + 60_000 });
        await st.sessions.createSession(s);
        assert.equal(waitingUntil(s.random, T0), s.expiresAt);
        assert.equal(waitingUntil('missing', T0), undefined);
        // A rotation keeps it waiting; what it answers must still agree with the record.
        await st.sessions.rotatePublicId(s.random, {
          publicId: id('pub'),
          publicIdExpiresAt: T0 + 30_000,
          now: T0,
        });
        assert.equal(waitingUntil(s.random, T0), s.expiresAt);
        // A code already scanned when stored, a failed transition, a scan and expiry all end it.
        const scannedAtBirth = session({ status: QrStatus.Scanned, userId: 'u', seq: 3 });
        await st.sessions.createSession(scannedAtBirth);
        assert.equal(waitingUntil(scannedAtBirth.random, T0), undefined);
        const failed = session();
        await st.sessions.createSession(failed);
        await st.sessions.transition(failed.random, {
          from: QrStatus.Scanned,
          to: QrStatus.Cancelled,
          now: T0,
        });
        assert.equal(waitingUntil(failed.random, T0), undefined);
        assert.equal((await st.sessions.getSession(failed.random))?.status, QrStatus.Pending);
        await st.sessions.transition(s.random, {
          from: QrStatus.Pending,
          to: QrStatus.Scanned,
          now: T0,
          set: { userId: 'u1' },
        });
        assert.equal(waitingUntil(s.random, T0), undefined);
        const short = session({ expiresAt: T0 + 1000 });
        await st.sessions.createSession(short);
        assert.equal(waitingUntil(short.random, T0 + 999), T0 + 1000);
        assert.equal(waitingUntil(short.random, T0 + 1000), undefined, 'expired at its expiry');
        const swept = session({ expiresAt: T0 + 2000 });
        await st.sessions.createSession(swept);
        await st.sessions.deleteExpired(T0 + 2000);
        assert.equal(waitingUntil(swept.random, T0), undefined, 'a sweep forgets expired codes');
      });

      it('refuses transitions of an expired code (expiry is computed from expiresAt)', async () => {
        const s = session({ expiresAt: T0 + 1000 });
        await st.sessions.createSession(s);
        const r = await st.sessions.transition(s.random, {
          from: QrStatus.Pending,
          to: QrStatus.Scanned,
          now: T0 + 1000,
        });
        assert.equal(r, null);
        assert.equal((await st.sessions.getSession(s.random))?.status, QrStatus.Pending);
      });

      it('checks the acting user when asked to', async () => {
        const s = session({ status: QrStatus.Scanned, userId: 'alice' });
        await st.sessions.createSession(s);
        const cas = { from: QrStatus.Scanned, to: QrStatus.Cancelled, now: T0 } as const;
        assert.equal(await st.sessions.transition(s.random, { ...cas, expectUserId: 'bob' }), null);
        const ok = await st.sessions.transition(s.random, { ...cas, expectUserId: 'alice' });
        assert.equal(ok?.status, QrStatus.Cancelled);
        assert.equal(ok?.userId, 'alice', 'fields not in `set` are kept');
      });

      it('compares a presented check code inside the compare-and-set (issue 13: check code skipped by racing)', async () => {
        const approve = {
          from: QrStatus.Scanned,
          to: QrStatus.Authorized,
          now: T0,
          expectUserId: 'alice',
        } as const;
        const guarded = session({
          status: QrStatus.Scanned,
          userId: 'alice',
          checkCode: 42,
          checkChoices: [17, 42, 88],
        });
        await st.sessions.createSession(guarded);
        assert.equal(
          await st.sessions.transition(guarded.random, { ...approve, checkCode: null }),
          null,
          'none',
        );
        assert.equal(
          await st.sessions.transition(guarded.random, { ...approve, checkCode: 17 }),
          null,
          'wrong',
        );
        assert.equal(
          (await st.sessions.getSession(guarded.random))?.seq,
          0,
          'a refused guard writes nothing',
        );
        const right = await st.sessions.transition(guarded.random, {
          ...approve,
          checkCode: 42,
          set: { ticket: id('ticket'), ticketExpiresAt: T0 + 1000 },
        });
        assert.equal(right?.status, QrStatus.Authorized);
        // Without a check code on the session, the guard has nothing to compare.
        const plain = session({ status: QrStatus.Scanned, userId: 'alice' });
        await st.sessions.createSession(plain);
        assert.equal(
          (await st.sessions.transition(plain.random, { ...approve, checkCode: null }))?.status,
          2,
        );
        // Actions without the guard (cancel) are not held by the check code.
        const cancelled = session({ status: QrStatus.Scanned, userId: 'alice', checkCode: 42 });
        await st.sessions.createSession(cancelled);
        const cancel = {
          from: QrStatus.Scanned,
          to: QrStatus.Cancelled,
          now: T0,
          expectUserId: 'alice',
        } as const;
        assert.equal((await st.sessions.transition(cancelled.random, cancel))?.status, QrStatus.Cancelled);
      });

      it('never approves an unchecked confirm however it interleaves with the scan', async () => {
        const codes = Array.from({ length: 100 }, () =>
          session({ checkCode: 42, checkChoices: [17, 42, 88] }),
        );
        for (const c of codes) await st.sessions.createSession(c);
        await Promise.all(
          codes.flatMap((c, i) => {
            const scan = () =>
              st.sessions.transition(c.random, {
                from: QrStatus.Pending,
                to: QrStatus.Scanned,
                now: T0,
                set: { userId: 'alice' },
              });
            const confirm = () =>
              st.sessions.transition(c.random, {
                from: QrStatus.Scanned,
                to: QrStatus.Authorized,
                now: T0,
                expectUserId: 'alice',
                checkCode: i % 2 ? null : 17,
                set: { ticket: id('ticket'), ticketExpiresAt: T0 + 1000 },
              });
            return i % 3 ? [scan(), confirm()] : [confirm(), scan()];
          }),
        );
        for (const c of codes)
          assert.equal((await st.sessions.getSession(c.random))?.status, QrStatus.Scanned);
      });

      it('lets exactly one of many concurrent transitions win', async () => {
        const s = session({ status: QrStatus.Scanned, userId: 'alice' });
        await st.sessions.createSession(s);
        const results = await Promise.all(
          Array.from({ length: 100 }, (_, i) =>
            st.sessions.transition(s.random, {
              from: QrStatus.Scanned,
              to: i % 2 ? QrStatus.Authorized : QrStatus.Cancelled,
              now: T0,
              expectUserId: 'alice',
              ...(i % 2 ? { set: { ticket: `t-${s.random}-${i}`, ticketExpiresAt: T0 + 300_000 } } : {}),
            }),
          ),
        );
        assert.equal(results.filter(Boolean).length, 1);
      });

      it('refuses a ticket already held by another session, changing nothing', async () => {
        const ticket = id('ticket');
        const a = session({ status: QrStatus.Scanned, userId: 'u' });
        const b = session({ status: QrStatus.Scanned, userId: 'u' });
        for (const x of [a, b]) await st.sessions.createSession(x);
        const to = { from: QrStatus.Scanned, to: QrStatus.Authorized, now: T0 } as const;
        await st.sessions.transition(a.random, { ...to, set: { ticket, ticketExpiresAt: T0 + 1000 } });
        await assert.rejects(
          st.sessions.transition(b.random, { ...to, set: { ticket, ticketExpiresAt: T0 + 1000 } }),
          ConflictError,
        );
        assert.equal((await st.sessions.getSession(b.random))?.status, QrStatus.Scanned);
        assert.equal((await st.sessions.peekTicket(ticket, T0))?.random, a.random);
      });

      it('consumes a ticket exactly once, only for its app, only while it lives', async () => {
        const ticket = id('ticket');
        const s = session({ appId: 'app-1', status: QrStatus.Scanned, userId: 'alice' });
        await st.sessions.createSession(s);
        await st.sessions.transition(s.random, {
          from: QrStatus.Scanned,
          to: QrStatus.Authorized,
          now: T0,
          set: { ticket, ticketExpiresAt: T0 + 300_000 },
        });
        assert.deepEqual(await st.sessions.peekTicket(ticket, T0), { appId: 'app-1', random: s.random });
        assert.equal(await st.sessions.peekTicket(ticket, T0 + 300_000), null, 'expired');
        assert.equal(await st.sessions.consumeTicket(ticket, 'app-2', T0), null, 'another app');
        assert.equal(await st.sessions.consumeTicket(ticket, 'app-1', T0 + 300_000), null, 'expired');

        const results = await Promise.all(
          Array.from({ length: 100 }, () => st.sessions.consumeTicket(ticket, 'app-1', T0 + 1)),
        );
        const winners = results.filter(Boolean);
        assert.equal(winners.length, 1);
        assert.deepEqual(winners[0], { random: s.random, appId: 'app-1', poolId, userId: 'alice' });
        assert.equal(await st.sessions.peekTicket(ticket, T0 + 1), null, 'used');
        assert.equal((await st.sessions.getSession(s.random))?.ticketUsed, true);
      });

      it('finds a session by its public id and rotates that id only while the code waits', async () => {
        const s = session({ publicId: id('pub'), publicIdExpiresAt: T0 + 30_000 });
        await st.sessions.createSession(s);
        assert.deepEqual(await st.sessions.findByPublicId(s.publicId), s);
        assert.equal(await st.sessions.findByPublicId(s.random), null, 'the page key is not a public id');

        const next = id('pub');
        const rotated = await st.sessions.rotatePublicId(s.random, {
          publicId: next,
          publicIdExpiresAt: T0 + 60_000,
          now: T0 + 30_000,
        });
        assert.equal(rotated?.publicId, next);
        assert.equal(rotated?.publicIdExpiresAt, T0 + 60_000);
        assert.equal(rotated?.seq, s.seq, 'a rotation is not a status change');
        assert.equal(await st.sessions.findByPublicId(s.publicId), null, 'the old id stops resolving');
        assert.equal((await st.sessions.findByPublicId(next))?.random, s.random);

        const expired = await st.sessions.rotatePublicId(s.random, {
          publicId: id('pub'),
          publicIdExpiresAt: T0 + 200_000,
          now: T0 + 120_000,
        });
        assert.equal(expired, null, 'an expired code does not rotate');

        await st.sessions.transition(s.random, {
          from: QrStatus.Pending,
          to: QrStatus.Scanned,
          now: T0 + 31_000,
          set: { userId: 'u' },
        });
        const late = await st.sessions.rotatePublicId(s.random, {
          publicId: id('pub'),
          publicIdExpiresAt: T0 + 90_000,
          now: T0 + 32_000,
        });
        assert.equal(late, null, 'a scanned code keeps the id the phone holds');
        assert.equal((await st.sessions.findByPublicId(next))?.userId, 'u');
        assert.equal(
          await st.sessions.rotatePublicId('missing', {
            publicId: id('pub'),
            publicIdExpiresAt: T0,
            now: T0,
          }),
          null,
        );
      });

      it('deletes only sessions nobody can use any more', async () => {
        const now = T0 + 10_000_000;
        const live = session({ expiresAt: now + 1 });
        const dead = session({ expiresAt: now - 1 });
        const ticketLive = session({
          expiresAt: now - 1,
          status: QrStatus.Authorized,
          userId: 'u',
          ticket: id('t'),
          ticketExpiresAt: now + 1,
        });
        const ticketUsed = session({
          expiresAt: now - 1,
          status: QrStatus.Authorized,
          userId: 'u',
          ticket: id('t'),
          ticketExpiresAt: now + 1,
          ticketUsed: true,
        });
        for (const s of [live, dead, ticketLive, ticketUsed]) await st.sessions.createSession(s);
        const swept = await st.sessions.deleteExpired(now);
        assert.ok(swept.removed >= 2);
        assert.ok(swept.expiredUndecided >= 1, 'dead ran out undecided');
        assert.ok(await st.sessions.getSession(live.random));
        assert.ok(await st.sessions.getSession(ticketLive.random));
        assert.equal(await st.sessions.getSession(dead.random), null);
        assert.equal(await st.sessions.getSession(ticketUsed.random), null);
        // Each code that ran out is counted by one sweep only.
        assert.deepEqual(await st.sessions.deleteExpired(now), { removed: 0, expiredUndecided: 0 });
      });

      it('counts the codes waiting for a scan or a decision, and those that ran out undecided', async () => {
        // Far past every other test's codes, so only these can be waiting then.
        const now = T0 + 1_000_000_000;
        const over = { createdAt: now - 1000, expiresAt: now + 1000 };
        const before = await st.sessions.countWaiting(now);
        const pending = session(over);
        const scanned = session({ ...over, status: QrStatus.Scanned, userId: 'u' });
        const stepUp = session({ ...over, status: QrStatus.StepUp, userId: 'u' });
        const approved = session({ ...over, status: QrStatus.Authorized, userId: 'u' });
        const refused = session({ ...over, status: QrStatus.Cancelled, userId: 'u' });
        const ranOut = session({ createdAt: now - 2000, expiresAt: now });
        for (const s of [pending, scanned, stepUp, approved, refused, ranOut]) {
          await st.sessions.createSession(s);
        }
        assert.equal((await st.sessions.countWaiting(now)) - before, 3, 'pending, scanned and step-up');
        // A scan keeps a code waiting; a decision ends its wait.
        await st.sessions.transition(pending.random, {
          from: QrStatus.Pending,
          to: QrStatus.Scanned,
          now,
          set: { userId: 'u' },
        });
        assert.equal((await st.sessions.countWaiting(now)) - before, 3);
        await st.sessions.transition(scanned.random, { from: QrStatus.Scanned, to: QrStatus.Cancelled, now });
        assert.equal((await st.sessions.countWaiting(now)) - before, 2);
        assert.equal(await st.sessions.countWaiting(now + 1000), 0, 'none waits past its expiry');
        // The two left waiting run out; decided codes never count as expired.
        const swept = await st.sessions.deleteExpired(now + 1000);
        assert.ok(swept.expiredUndecided >= 3, 'pending, step-up and the one that ran out before');
        assert.equal((await st.sessions.deleteExpired(now + 1000)).expiredUndecided, 0);
        assert.equal((await st.sessions.countWaiting(now)) - before, 0);
      });
    });

    describe('web sessions', () => {
      const web = (userId: string, over: Partial<WebSessionRecord> = {}): WebSessionRecord => ({
        id: id('ws'),
        poolId,
        userId,
        appId: 'app-w',
        random: id('qr'),
        createdAt: T0,
        expiresAt: T0 + 3_600_000,
        revokedAt: null,
        requestContext: { ip: '198.51.100.4', origin: 'https://site.example', userAgent: 'UA' },
        ...over,
      });

      it('stores sessions and lists the live ones of a user, newest first', async () => {
        const u = id('user');
        const older = web(u);
        const newer = web(u, { createdAt: T0 + 10 });
        const expired = web(u, { expiresAt: T0 + 5 });
        const someoneElse = web(id('user'));
        for (const w of [older, newer, expired, someoneElse]) await st.webSessions.insert(w);
        assert.deepEqual(await st.webSessions.get(older.id), older);
        assert.equal(await st.webSessions.get('missing'), null);
        assert.deepEqual(
          (await st.webSessions.listLive(u, T0 + 100)).map((w) => w.id),
          [newer.id, older.id],
        );
        await assert.rejects(st.webSessions.insert(older), ConflictError);
      });

      it('revokes one session of its own user, once', async () => {
        const u = id('user');
        const w = web(u);
        await st.webSessions.insert(w);
        assert.equal(await st.webSessions.revoke(w.id, id('user'), T0 + 1), false, 'another user');
        assert.equal(await st.webSessions.revoke(w.id, u, T0 + 1), true);
        assert.equal(await st.webSessions.revoke(w.id, u, T0 + 2), false, 'already revoked');
        assert.equal((await st.webSessions.get(w.id))?.revokedAt, T0 + 1);
        assert.deepEqual(await st.webSessions.listLive(u, T0 + 3), []);
      });

      it('revokes all live sessions of a user and forgets expired ones', async () => {
        const u = id('user');
        const other = id('user');
        const a = web(u);
        const b = web(u, { createdAt: T0 + 1 });
        const keep = web(other);
        for (const w of [a, b, keep]) await st.webSessions.insert(w);
        assert.equal(await st.webSessions.revokeAll(u, T0 + 10), 2);
        assert.equal(await st.webSessions.revokeAll(u, T0 + 11), 0);
        assert.equal((await st.webSessions.get(keep.id))?.revokedAt, null);
        assert.ok((await st.webSessions.deleteExpired(T0 + 3_600_000)) >= 3);
        assert.equal(await st.webSessions.get(a.id), null);
      });
    });

    describe('counters', () => {
      it('counts within a window and starts over after it', async () => {
        const key = id('ctr');
        assert.equal(await st.counters.get(key, T0), null);
        assert.deepEqual(await st.counters.increment(key, 1000, T0), { count: 1, resetAt: T0 + 1000 });
        assert.deepEqual(await st.counters.increment(key, 1000, T0 + 500), { count: 2, resetAt: T0 + 1000 });
        assert.deepEqual(await st.counters.get(key, T0 + 999), { count: 2, resetAt: T0 + 1000 });
        assert.equal(await st.counters.get(key, T0 + 1000), null);
        assert.deepEqual(await st.counters.increment(key, 1000, T0 + 1000), { count: 1, resetAt: T0 + 2000 });
        await st.counters.reset(key);
        assert.equal(await st.counters.get(key, T0 + 1000), null);
      });

      it('loses no increment under concurrency', async () => {
        const key = id('ctr');
        await Promise.all(Array.from({ length: 200 }, () => st.counters.increment(key, 60_000, T0)));
        assert.equal((await st.counters.get(key, T0))?.count, 200);
      });
    });

    describe('audit', () => {
      it('appends records and lists them newest first, by user and by pool', async () => {
        const userId = id('user');
        const pool = id('pool');
        const rec = (at: number, outcome: 'approved' | 'denied' | 'redeemed') => ({
          id: id('audit'),
          at,
          poolId: pool,
          userId,
          appId: 'app',
          random: id('qr'),
          outcome,
          requestContext: { ip: '198.51.100.7', origin: null, userAgent: 'UA' },
          deviceIp: '203.0.113.1',
        });
        const records = [rec(T0 + 1, 'approved'), rec(T0 + 3, 'redeemed'), rec(T0 + 2, 'denied')];
        for (const r of records) await st.audit.append(r);
        const mine = await st.audit.listByUser(userId, 10);
        assert.deepEqual(
          mine.map((r) => r.at),
          [T0 + 3, T0 + 2, T0 + 1],
        );
        assert.deepEqual(mine[2], records[0]);
        assert.equal((await st.audit.listByUser(userId, 1)).length, 1);
        assert.deepEqual(
          (await st.audit.listByPool(pool, 10, T0 + 3)).map((r) => r.at),
          [T0 + 2, T0 + 1],
        );
        assert.deepEqual(await st.audit.listByUser('nobody', 10), []);
      });
    });

    describe('events', () => {
      it('delivers published changes to subscribers of that code until they unsubscribe', async () => {
        const seen: string[] = [];
        const s = session();
        const off = st.events.subscribe(s.random, (x) => seen.push(`${x.random}:${x.status}`));
        const offOther = st.events.subscribe('another', () => seen.push('wrong'));
        // A witness stays subscribed to the code throughout. Adapters may deliver
        // asynchronously (Redis pub/sub), but each change reaches all of a code's
        // listeners together: once the witness has heard a change, every listener
        // that was going to hear it has. No waiting for time to pass.
        const witnessed: number[] = [];
        const waiting: (() => void)[] = [];
        const offWitness = st.events.subscribe(s.random, (x) => {
          witnessed.push(x.status);
          waiting.shift()?.();
        });
        const heardBy = (count: number) =>
          witnessed.length >= count ? Promise.resolve() : new Promise<void>((r) => waiting.push(r));

        st.events.publish({ ...s, status: QrStatus.Scanned });
        await heardBy(1);
        off();
        offOther();
        st.events.publish({ ...s, status: QrStatus.Authorized });
        await heardBy(2);
        offWitness();
        assert.deepEqual(witnessed, [QrStatus.Scanned, QrStatus.Authorized]);
        assert.deepEqual(
          seen,
          [`${s.random}:${QrStatus.Scanned}`],
          'nothing after unsubscribing, nothing for another code',
        );
      });
    });

    oidcArtifactCases(() => st.oidc);

    it('answers ping', async () => {
      await st.ping();
    });
  });
}
