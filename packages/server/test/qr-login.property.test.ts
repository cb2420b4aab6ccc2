/**
 * Model-based test of the QR login use cases: fast-check generates random
 * sequences of scan / confirm / cancel / exchange calls by different users and
 * apps, interleaved with time passing, and runs them against the real service
 * (SQLite in memory, frozen clock). After every step the outcome must match a
 * tiny reference model, and the page's view must keep the invariants.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ErrorCodes, QrStatus } from '@scanlogin/protocol';
import fc from 'fast-check';
import { loadConfig } from '../src/config/load.js';
import { ManualClock } from '../src/domain/clock.js';
import { ServiceError } from '../src/domain/errors.js';
import type { AppRecord, UserRecord } from '../src/domain/ports.js';
import { createRuntime } from '../src/runtime.js';
import type { Runtime } from '../src/services.js';

type Op =
  | { kind: 'scan' | 'confirm' | 'cancel'; actor: number }
  | { kind: 'exchange'; app: number; replay: boolean }
  | { kind: 'tick'; ms: number }
  // Issue 17: what a login depends on goes away (or comes back) in the directory.
  | { kind: 'block' | 'unblock'; actor: number }
  | { kind: 'deleteApp' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constantFrom('scan', 'confirm', 'cancel'), actor: fc.integer({ min: 0, max: 2 }) }),
  fc.record({ kind: fc.constant('exchange'), app: fc.integer({ min: 0, max: 1 }), replay: fc.boolean() }),
  fc.record({ kind: fc.constant('tick'), ms: fc.integer({ min: 0, max: 90_000 }) }),
  fc.record({ kind: fc.constantFrom('block', 'unblock'), actor: fc.integer({ min: 0, max: 2 }) }),
  fc.record({ kind: fc.constant('deleteApp') }),
) as fc.Arbitrary<Op>;

const code = (name: keyof typeof ErrorCodes) => ErrorCodes[name].code;

describe('QR login, model-based', () => {
  const clock = new ManualClock();
  let s: Runtime;
  let apps: AppRecord[];
  /** alice and bob share the pool of the codes; carol is in another pool. */
  let users: UserRecord[];

  before(async () => {
    s = await createRuntime(loadConfig({ DATABASE_FILE: ':memory:', LOG_LEVEL: 'silent' }), { clock });
    const pool = await s.directory.createPool('main');
    const other = await s.directory.createPool('other');
    apps = [
      (await s.directory.createApp({ poolId: pool.id, name: 'site A' })).app,
      (await s.directory.createApp({ poolId: pool.id, name: 'site B' })).app,
    ];
    users = [
      await s.directory.createUser({ poolId: pool.id, username: 'alice' }),
      await s.directory.createUser({ poolId: pool.id, username: 'bob' }),
      await s.directory.createUser({ poolId: other.id, username: 'carol' }),
    ];
  });
  after(() => s.close());

  it('agrees with the reference model on every step', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { maxLength: 25 }), async (ops) => {
        // Each run gets an app of its own (a run may delete it) and starts with nobody blocked.
        const { app } = await s.directory.createApp({ poolId: apps[1]!.poolId, name: 'this run' });
        const runApps = [app, apps[1]!];
        for (const u of users)
          users[users.indexOf(u)] = await s.directory.updateUser(u.id, { blocked: false });
        const { session } = await s.qr.generate({ app });
        const expiresAt = session.expiresAt;
        // The model.
        let status: 0 | 1 | 2 | 3 | 5 = QrStatus.Pending;
        let scanner: number | null = null;
        let ticket: string | null = null;
        let ticketExpiresAt = 0;
        let used = false;
        let stoppedBy: 'APP_NOT_FOUND' | 'QR_SCANNER_UNAVAILABLE' | null = null;
        let appDeleted = false;
        const blocked = new Set<number>();
        const expired = () => (status === 0 || status === 1) && clock.now() >= expiresAt;
        // Whether the code is open, so that something going away stops it (status 5).
        const stoppable = () => (status === 0 || status === 1) && !expired();

        for (const op of ops) {
          if (op.kind === 'tick') {
            clock.advance(op.ms);
            continue;
          }
          if (op.kind === 'block' || op.kind === 'unblock') {
            users[op.actor] = await s.directory.updateUser(users[op.actor]!.id, {
              blocked: op.kind === 'block',
            });
            if (op.kind === 'unblock') blocked.delete(op.actor);
            else {
              blocked.add(op.actor);
              if (status === 1 && scanner === op.actor && stoppable()) {
                status = QrStatus.Error;
                stoppedBy = 'QR_SCANNER_UNAVAILABLE';
              }
            }
          } else if (op.kind === 'deleteApp') {
            if (appDeleted) continue;
            await s.directory.deleteApp(app.id);
            appDeleted = true;
            if (stoppable()) {
              status = QrStatus.Error;
              stoppedBy = 'APP_NOT_FOUND';
            }
          }
          if (op.kind === 'block' || op.kind === 'unblock' || op.kind === 'deleteApp') {
            const view = await s.qr.check(session.random);
            assert.equal(view.status, expired() ? QrStatus.Expired : status, JSON.stringify(op));
            continue;
          }
          // A deleted app cannot prove its secret: the HTTP layer refuses its exchanges before us.
          if (op.kind === 'exchange' && op.app === 0 && appDeleted) continue;
          let expected: number; // 200 or an error code
          let outcome: number;
          if (op.kind === 'exchange') {
            const t = op.replay || !ticket ? (ticket ?? 'no-such-ticket') : ticket;
            const live = ticket !== null && t === ticket && !used && clock.now() < ticketExpiresAt;
            // A scanner blocked after approving spends the ticket and gets no token.
            const mine = scanner !== null && blocked.has(scanner) ? code('USER_BLOCKED') : 200;
            expected = live ? (op.app === 0 ? mine : code('TICKET_OTHER_APP')) : code('TICKET_INVALID');
            try {
              const u = await s.qr.exchange(t, runApps[op.app]!);
              outcome = 200;
              assert.equal(u.id, users[scanner!]!.id);
              assert.ok(u.token);
            } catch (err) {
              if (!(err instanceof ServiceError)) throw err;
              outcome = err.code;
            }
            if (outcome === 200 || outcome === code('USER_BLOCKED')) used = true;
          } else {
            const actor = op.actor;
            const rule = { scan: 0, confirm: 1, cancel: 1 }[op.kind];
            if (actor === 2) expected = code('QR_OTHER_POOL');
            else if (blocked.has(actor)) expected = code('USER_BLOCKED');
            else if (status === QrStatus.Error) expected = code(stoppedBy!);
            else if (!expired() && status === rule && (op.kind === 'scan' || scanner === actor))
              expected = 200;
            else if (op.kind === 'scan' && status === 1 && scanner === actor && !expired()) expected = 200;
            else if (expired()) expected = code('QR_EXPIRED');
            else if (scanner !== null && scanner !== actor) expected = code('QR_SCANNED_BY_OTHER');
            else expected = code('QR_WRONG_STATE');
            try {
              await s.qr[op.kind](session.random, users[actor]!);
              outcome = 200;
            } catch (err) {
              if (!(err instanceof ServiceError)) throw err;
              outcome = err.code;
            }
            if (outcome === 200 && status === rule) {
              if (op.kind === 'scan') {
                status = 1;
                scanner = actor;
              } else if (op.kind === 'confirm') {
                status = 2;
                ticketExpiresAt = clock.now() + app.qr.ticketExpiresAfter * 1000;
              } else status = 3;
            }
          }
          assert.equal(outcome, expected, `${JSON.stringify(op)} at status ${status}`);

          // The page's view keeps the invariants.
          const view = await s.qr.check(session.random);
          assert.equal(view.status, expired() ? QrStatus.Expired : status);
          if (view.status === QrStatus.Error) {
            // Stopped for good, with its reason where authing-js-sdk reads it, and nothing else.
            const { code: c, message } = ErrorCodes[stoppedBy!];
            assert.deepEqual(view.scannedResult, { code: c, message, errmsg: { code: c, message } });
            assert.equal(view.ticket, null);
            assert.equal(view.userInfo, null);
            continue;
          }
          if (view.status === QrStatus.Authorized) {
            if (!used) {
              assert.ok(view.ticket, 'an unused ticket is shown at status 2');
              ticket = view.ticket;
            } else assert.equal(view.ticket, null, 'a used ticket is never shown again');
          } else assert.equal(view.ticket, null, 'no ticket before approval');
          if (view.status === QrStatus.Scanned || view.status === QrStatus.Authorized) {
            assert.deepEqual(Object.keys(view.userInfo ?? {}).sort(), ['nickname', 'photo']);
          } else assert.equal(view.userInfo, null);
        }
      }),
      { numRuns: 300 },
    );
  });
});
