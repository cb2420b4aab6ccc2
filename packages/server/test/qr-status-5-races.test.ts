/**
 * Issue 17: status 5 (the service stops a login whose application or scanner
 * went away) raced against everything that can happen to the code at the same
 * moment: the phone's approval, the page's redemption, the scan itself. On
 * every storage combination the service ships, the PostgreSQL + Redis one
 * with two instances (the directory change through one, the phone and the
 * page through the other).
 *
 * What must hold, however the calls interleave:
 * - a code ends in exactly one terminal state, and never leaves it;
 * - a stopped code never had a ticket; an approved one is never stopped;
 * - a blocked scanner never gets a token, even when the approval won;
 * - whoever waits on the code (on any instance) is told.
 *
 * Nothing here waits for time: the clock is frozen, and each round waits for
 * its own calls to end.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ErrorCodes, type ErrorName, QrStatus } from '@scanlogin/protocol';
import { ManualClock } from '../src/domain/clock.js';
import { ServiceError } from '../src/domain/errors.js';
import type { AppRecord, UserRecord } from '../src/domain/ports.js';
import type { Runtime } from '../src/services.js';
import { COMBINATIONS, type Instances } from './support/combinations.js';

const ROUNDS = 200;
/** Rounds run at once: enough to keep both cores and the backends busy. */
const BATCH = 25;

/** The registry name a call failed with, or 'ok'. */
async function outcome<T>(p: Promise<T>): Promise<{ name: ErrorName | 'ok'; value: T | null }> {
  try {
    return { name: 'ok', value: await p };
  } catch (err) {
    if (err instanceof ServiceError) return { name: err.errorName, value: null };
    throw err;
  }
}

async function inBatches(rounds: number, run: (i: number) => Promise<void>): Promise<void> {
  for (let i = 0; i < rounds; i += BATCH) {
    await Promise.all(Array.from({ length: Math.min(BATCH, rounds - i) }, (_, j) => run(i + j)));
  }
}

const stopped = (name: 'APP_NOT_FOUND' | 'QR_SCANNER_UNAVAILABLE') => {
  const { code, message } = ErrorCodes[name];
  return { code, message, errmsg: { code, message } };
};

for (const [combination, open] of COMBINATIONS) {
  describe(`status 5 races on ${combination}`, () => {
    const clock = new ManualClock();
    let set: Instances;
    /** Where the admin acts. */
    let directory: Runtime;
    /** Where the phone and the page act (the same instance on the embedded store). */
    let edge: Runtime;
    let poolId: string;
    let app: AppRecord;

    before(async () => {
      set = await open({ clock });
      directory = set.instances[0]!;
      edge = set.instances.at(-1)!;
      poolId = (await directory.directory.createPool('races')).id;
      app = (await directory.directory.createApp({ poolId, name: 'racing site' })).app;
    });
    after(() => set?.close());

    const newUser = () => directory.directory.createUser({ poolId, username: `u-${randomUUID()}` });
    /** A code scanned by `user`, through the edge instance. */
    const scannedBy = async (user: UserRecord, forApp = app) => {
      const { session } = await directory.qr.generate({ app: forApp });
      assert.equal((await edge.qr.scan(session.publicId, user)).status, QrStatus.Scanned);
      return session;
    };

    it('a block races the approval: one of them wins; a blocked scanner never gets a token', async () => {
      const seen = { approved: 0, stopped: 0 };
      await inBatches(ROUNDS, async () => {
        const user = await newUser();
        const code = await scannedBy(user);
        // The phone's record of the user is from before the block, as an in-flight request's is.
        const [, confirm] = await Promise.all([
          directory.directory.updateUser(user.id, { blocked: true }),
          outcome(edge.qr.confirm(code.publicId, user)),
        ]);
        const view = await edge.qr.check(code.random);
        if (confirm.name === 'ok') {
          seen.approved++;
          assert.equal(view.status, QrStatus.Authorized);
          assert.ok(view.ticket);
          const redeem = await outcome(edge.qr.exchange(view.ticket, app));
          assert.equal(redeem.name, 'USER_BLOCKED', 'the approval won, the token is still refused');
        } else {
          seen.stopped++;
          assert.equal(confirm.name, 'QR_SCANNER_UNAVAILABLE');
          assert.equal(view.status, QrStatus.Error);
          assert.deepEqual(view.scannedResult, stopped('QR_SCANNER_UNAVAILABLE'));
          const stored = await edge.storage.sessions.getSession(code.random);
          assert.equal(stored?.ticket, null, 'a stopped code never had a ticket');
        }
        // Terminal: nothing moves it any more.
        assert.notEqual((await outcome(edge.qr.cancel(code.publicId, user))).name, 'ok');
        assert.equal((await edge.qr.check(code.random)).status, view.status);
      });
      assert.equal(seen.approved + seen.stopped, ROUNDS);
      if (process.env.RACE_REPORT) console.log(combination, seen);
    });

    it('an app deletion races the approval: one of them wins', async () => {
      const user = await newUser();
      await inBatches(ROUNDS, async () => {
        const site = (await directory.directory.createApp({ poolId, name: 'short-lived site' })).app;
        const code = await scannedBy(user, site);
        const [, confirm] = await Promise.all([
          directory.directory.deleteApp(site.id),
          outcome(edge.qr.confirm(code.publicId, user)),
        ]);
        const stored = await edge.storage.sessions.getSession(code.random);
        if (confirm.name === 'ok') {
          assert.equal(stored?.status, QrStatus.Authorized);
          assert.equal(stored?.errorCode, null);
        } else {
          assert.equal(confirm.name, 'APP_NOT_FOUND');
          assert.equal(stored?.status, QrStatus.Error);
          assert.equal(stored?.errorCode, ErrorCodes.APP_NOT_FOUND.code);
          assert.equal(stored?.ticket, null);
          assert.deepEqual((await edge.qr.check(code.random)).scannedResult, stopped('APP_NOT_FOUND'));
        }
      });
    });

    it('a block races the redemption: the code stays approved, and a token only for the one who was not blocked yet', async () => {
      await inBatches(ROUNDS, async () => {
        const user = await newUser();
        const code = await scannedBy(user);
        await edge.qr.confirm(code.publicId, user);
        const { ticket } = await edge.qr.check(code.random);
        assert.ok(ticket);
        const [, redeem] = await Promise.all([
          directory.directory.updateUser(user.id, { blocked: true }),
          outcome(edge.qr.exchange(ticket, app)),
        ]);
        assert.ok(['ok', 'USER_BLOCKED'].includes(redeem.name), redeem.name);
        if (redeem.name === 'ok') assert.equal(redeem.value?.id, user.id);
        assert.equal(
          (await edge.qr.check(code.random)).status,
          QrStatus.Authorized,
          'never stopped once approved',
        );
        assert.equal(
          (await outcome(edge.qr.exchange(ticket, app))).name,
          'TICKET_INVALID',
          'spent either way',
        );
      });
    });

    it('a block races the scan: a scan the stop missed is stopped at its next read', async () => {
      await inBatches(ROUNDS, async () => {
        const user = await newUser();
        const { session } = await directory.qr.generate({ app });
        const [, scan] = await Promise.all([
          directory.directory.updateUser(user.id, { blocked: true }),
          outcome(edge.qr.scan(session.publicId, user)),
        ]);
        assert.equal(scan.name, 'ok');
        const view = await edge.qr.check(session.random);
        assert.equal(view.status, QrStatus.Error);
        assert.deepEqual(view.scannedResult, stopped('QR_SCANNER_UNAVAILABLE'));
      });
    });

    it('whoever waits on the code is told, on the other instance too', async () => {
      const user = await newUser();
      const codes = await Promise.all(Array.from({ length: 10 }, () => scannedBy(user)));
      const watches = codes.map((c) => edge.qr.watch(c.random));
      try {
        await directory.directory.updateUser(user.id, { blocked: true });
        // The clock is frozen: only a published change ends these waits. (The scans' own events
        // may still be on their way through Redis; the stop follows them.)
        const changes = await Promise.all(
          watches.map(async (w) => {
            for (;;) {
              const change = await w.next(60_000);
              if (change === null || change.status === QrStatus.Error) return change;
            }
          }),
        );
        for (const change of changes) {
          assert.equal(change?.status, QrStatus.Error);
          assert.equal(change?.errorCode, ErrorCodes.QR_SCANNER_UNAVAILABLE.code);
        }
      } finally {
        for (const w of watches) w.close();
      }
    });
  });
}
