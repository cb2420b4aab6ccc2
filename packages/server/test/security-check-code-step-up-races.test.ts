/**
 * Issue 13, finding 2: the check code and the step-up password could be
 * skipped by racing the scan. Both were checked against an earlier read of
 * the code; when the scan landed between that read and the transition, a
 * confirm without the check code approved, and a wrong step-up password
 * moved the code on to status 1. Each condition is now part of the
 * compare-and-set itself (or, for the password, runs before it on the very
 * state the transition requires).
 *
 * Run on every storage combination the service ships: the embedded SQLite
 * file (counters in memory), and PostgreSQL + Redis as `openStorage` composes
 * them, with two instances in one process sharing them (the scan through one,
 * the confirm through the other).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { type ErrorName, QrStatus } from '@scanlogin/protocol';
import { ManualClock } from '../src/domain/clock.js';
import { ServiceError } from '../src/domain/errors.js';
import type { AppRecord, QrSessionStore, Storage, UserRecord } from '../src/domain/ports.js';
import type { ActionResult } from '../src/domain/qr-login/service.js';
import type { Services } from '../src/services.js';
import { COMBINATIONS, type Instances } from './support/combinations.js';

const ROUNDS = 1000;
/** Rounds run at once: enough to keep both cores and the backends busy, few enough to stay in memory. */
const BATCH = 50;
// The page's address and the phone's: far apart, so a step-up pool asks for the password.
const PAGE_IP = '81.2.69.160'; // United Kingdom
const FAR_PHONE_IP = '8.8.8.8'; // United States
const WRONG_PASSWORD = 'not-the-password';

const ENV = {
  // Every wrong password of the races must be evaluated, not throttled away.
  LOGIN_ACCOUNT_FAILURES: '1000',
  LOGIN_ACCOUNT_FAILURES_TOTAL: '100000',
  LOGIN_IP_FAILURES: '100000',
};

/**
 * Sessions that let a few turns of the event loop pass after each read of a
 * code by the phone (as a network round trip would), so that rounds
 * interleave differently even on the synchronous SQLite driver; and that can
 * hold one caller between its read and whatever it does next: the window of
 * the finding, opened on purpose.
 */
class HoldableReads {
  #hold: { reached: () => void; until: Promise<void> } | null = null;

  wrap = (storage: Storage): Storage => {
    const inner = storage.sessions;
    const sessions: QrSessionStore = {
      createSession: (s) => inner.createSession(s),
      getSession: (random) => inner.getSession(random),
      findByPublicId: async (publicId) => {
        const found = await inner.findByPublicId(publicId);
        await jitter();
        const h = this.#hold;
        if (h) {
          this.#hold = null;
          h.reached();
          await h.until;
        }
        return found;
      },
      rotatePublicId: (random, next) => inner.rotatePublicId(random, next),
      transition: (random, req) => inner.transition(random, req),
      peekTicket: (ticket, now) => inner.peekTicket(ticket, now),
      consumeTicket: (ticket, appId, now) => inner.consumeTicket(ticket, appId, now),
      deleteExpired: (now) => inner.deleteExpired(now),
      countWaiting: (now) => inner.countWaiting(now),
      ...(inner.waitingUntil ? { waitingUntil: (random, now) => inner.waitingUntil!(random, now) } : {}),
    };
    return { ...storage, sessions };
  };

  /** Holds the next read of a code (through any instance) until `release`. */
  holdNext(): { reached: Promise<void>; release(): void } {
    let reached!: () => void;
    let release!: () => void;
    const reachedP = new Promise<void>((r) => {
      reached = r;
    });
    this.#hold = { reached, until: new Promise<void>((r) => (release = r)) };
    return { reached: reachedP, release };
  }
}

type Outcome = { ok: ActionResult } | { error: ErrorName };

/** What an app call came to: its result, or the registry name of its refusal (anything else fails the test). */
async function settle(call: Promise<ActionResult>): Promise<Outcome> {
  try {
    return { ok: await call };
  } catch (err) {
    if (err instanceof ServiceError) return { error: err.errorName };
    throw err;
  }
}

/** Gives other work a few turns of the event loop, so each round interleaves differently. */
async function jitter(): Promise<void> {
  for (let i = Math.floor(Math.random() * 4); i > 0; i--) await new Promise((r) => setImmediate(r));
}

async function inBatches(rounds: number, round: (i: number) => Promise<void>): Promise<void> {
  for (let start = 0; start < rounds; start += BATCH) {
    await Promise.all(Array.from({ length: Math.min(BATCH, rounds - start) }, (_, k) => round(start + k)));
  }
}

const tally = (counts: Map<string, number>, key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
const describeOutcome = (o: Outcome) => ('ok' in o ? `ok:${o.ok.status}` : o.error);

for (const [name, open] of COMBINATIONS) {
  describe(`check code and step-up cannot be skipped by racing the scan: ${name}`, () => {
    const clock = new ManualClock();
    const reads = new HoldableReads();
    let world: Instances;
    let checkApp: AppRecord;
    let stepUpApp: AppRecord;
    let checkUser: UserRecord;
    let stepUpUser: UserRecord;
    let password: string;

    before(async () => {
      world = await open({ clock, env: ENV, wrap: reads.wrap });
      const { directory } = world.instances[0]!;
      const checkPool = await directory.createPool('check code', {
        checkCode: true,
        proximityPolicy: 'allow',
      });
      const stepUpPool = await directory.createPool('step-up', { proximityPolicy: 'step-up' });
      checkApp = (await directory.createApp({ poolId: checkPool.id, name: 'site' })).app;
      stepUpApp = (await directory.createApp({ poolId: stepUpPool.id, name: 'site' })).app;
      password = `pw-${randomUUID()}`;
      checkUser = await directory.createUser({ poolId: checkPool.id, username: 'racer', password });
      stepUpUser = await directory.createUser({ poolId: stepUpPool.id, username: 'racer', password });
    });
    after(() => world?.close());

    /** A fresh code of `app`, made through instance 0 by a page far from the phone. */
    const code = (app: AppRecord) =>
      world.instances[0]!.qr.generate({
        app,
        requestContext: { ip: PAGE_IP, origin: null, userAgent: null },
      });
    /** Instance 0 and, when there are several, another one: the two calls go through different instances. */
    const pair = (): [Services, Services] => {
      const a = world.instances[0]!;
      const b = world.instances.at(-1)!;
      return Math.random() < 0.5 ? [a, b] : [b, a];
    };
    const statusOf = async (random: string) => (await world.instances[0]!.qr.requireSession(random)).status;

    it('a confirm that read the code before the scan landed is still held to the check code', async () => {
      const qr0 = world.instances[0]!.qr;
      const qrOther = world.instances.at(-1)!.qr;
      for (const presented of [undefined, 'wrong'] as const) {
        const { session } = await code(checkApp);
        const wrong = session.checkChoices!.find((c) => c !== session.checkCode)!;
        const held = reads.holdNext();
        const confirming = settle(
          qr0.confirm(
            session.publicId,
            { user: checkUser, ip: FAR_PHONE_IP },
            presented ? { checkCode: wrong } : {},
          ),
        );
        await held.reached; // the confirm has read the code: still waiting for a scan
        assert.equal((await qrOther.scan(session.publicId, { user: checkUser, ip: PAGE_IP })).status, 1);
        held.release();
        const outcome = await confirming;
        if (presented) {
          assert.deepEqual(outcome, { error: 'CHECK_CODE_WRONG' });
          assert.equal(await statusOf(session.random), QrStatus.Cancelled, 'a wrong pick refuses the login');
        } else {
          assert.deepEqual(outcome, { error: 'CHECK_CODE_REQUIRED' });
          assert.equal(await statusOf(session.random), QrStatus.Scanned);
        }
      }
    });

    it('a step-up that read the code before the scan landed does not pass without the password', async () => {
      const qr0 = world.instances[0]!.qr;
      const qrOther = world.instances.at(-1)!.qr;
      const { session } = await code(stepUpApp);
      const held = reads.holdNext();
      const stepping = settle(
        qr0.stepUp(session.publicId, { user: stepUpUser, ip: FAR_PHONE_IP }, WRONG_PASSWORD),
      );
      await held.reached;
      assert.equal((await qrOther.scan(session.publicId, { user: stepUpUser, ip: FAR_PHONE_IP })).status, 4);
      held.release();
      assert.deepEqual(await stepping, { error: 'QR_WRONG_STATE' });
      assert.equal(await statusOf(session.random), QrStatus.StepUp);
      // The right password, once the code is in step-up, still moves it on.
      const ok = await qrOther.stepUp(session.publicId, { user: stepUpUser, ip: FAR_PHONE_IP }, password);
      assert.equal(ok.status, QrStatus.Scanned);
    });

    for (const presented of ['no check code', 'a wrong check code'] as const) {
      it(`${ROUNDS} rounds of scan racing a confirm with ${presented}: never approved`, async (t) => {
        const counts = new Map<string, number>();
        await inBatches(ROUNDS, async () => {
          const { session } = await code(checkApp);
          const wrong = session.checkChoices!.find((c) => c !== session.checkCode)!;
          const [scanner, confirmer] = pair();
          const scan = async () => {
            await jitter();
            return settle(scanner.qr.scan(session.publicId, { user: checkUser, ip: PAGE_IP }));
          };
          const confirm = async () => {
            await jitter();
            return settle(
              confirmer.qr.confirm(
                session.publicId,
                { user: checkUser, ip: PAGE_IP },
                presented === 'a wrong check code' ? { checkCode: wrong } : {},
              ),
            );
          };
          const [scanned, confirmed] =
            Math.random() < 0.5
              ? await Promise.all([scan(), confirm()])
              : (await Promise.all([confirm(), scan()])).reverse();
          const status = await statusOf(session.random);
          tally(counts, `${describeOutcome(confirmed!)} → ${status}`);
          assert.deepEqual(scanned, {
            ok: { random: session.publicId, status: 1, description: scannedText },
          });
          assert.notEqual(
            status,
            QrStatus.Authorized,
            `approved without the check code: ${describeOutcome(confirmed!)}`,
          );
          const allowed =
            presented === 'no check code'
              ? [
                  ['QR_WRONG_STATE', QrStatus.Scanned],
                  ['CHECK_CODE_REQUIRED', QrStatus.Scanned],
                ]
              : [
                  ['QR_WRONG_STATE', QrStatus.Scanned],
                  ['CHECK_CODE_WRONG', QrStatus.Cancelled],
                ];
          assert.ok(
            allowed.some(([error, s]) => 'error' in confirmed! && confirmed.error === error && status === s),
            `unexpected round: ${describeOutcome(confirmed!)} → ${status}`,
          );
        });
        t.diagnostic(`outcomes: ${JSON.stringify(Object.fromEntries(counts))}`);
      });
    }

    it(`${ROUNDS} rounds of scan racing a step-up with a wrong password: never past status 4`, async (t) => {
      const counts = new Map<string, number>();
      await inBatches(ROUNDS, async () => {
        const { session } = await code(stepUpApp);
        const [scanner, stepper] = pair();
        const scan = async () => {
          await jitter();
          return settle(scanner.qr.scan(session.publicId, { user: stepUpUser, ip: FAR_PHONE_IP }));
        };
        const stepUp = async () => {
          await jitter();
          return settle(
            stepper.qr.stepUp(session.publicId, { user: stepUpUser, ip: FAR_PHONE_IP }, WRONG_PASSWORD),
          );
        };
        const [scanned, stepped] =
          Math.random() < 0.5
            ? await Promise.all([scan(), stepUp()])
            : (await Promise.all([stepUp(), scan()])).reverse();
        const status = await statusOf(session.random);
        tally(counts, `${describeOutcome(stepped!)} → ${status}`);
        assert.equal('ok' in scanned! && scanned.ok.status, QrStatus.StepUp);
        assert.equal(
          status,
          QrStatus.StepUp,
          `a wrong password moved the code on: ${describeOutcome(stepped!)}`,
        );
        assert.ok(
          'error' in stepped! && (stepped.error === 'QR_WRONG_STATE' || stepped.error === 'STEP_UP_FAILED'),
          `unexpected step-up answer: ${describeOutcome(stepped!)}`,
        );
      });
      t.diagnostic(`outcomes: ${JSON.stringify(Object.fromEntries(counts))}`);
    });
  });
}

const scannedText = 'Scanned; waiting for the user to decide';
