/**
 * Issue 13, finding 3: the per-account login limit did not hold. 20 parallel
 * wrong passwords were all evaluated, a second burst a second later added 10
 * more, and once a username was locked the same account by e-mail or phone
 * was still evaluated. Now an attempt takes a unit of the account's budget
 * before its password is evaluated, and the budget belongs to the account.
 *
 * An answer tells whether the password was evaluated: WRONG_CREDENTIALS only
 * comes after an evaluation, TOO_MANY_LOGIN_ATTEMPTS only instead of one.
 * Run where the counters live: in memory (embedded) and in Redis (two
 * instances sharing it).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ErrorName } from '@scanlogin/protocol';
import { ManualClock } from '../src/domain/clock.js';
import { DEFAULT_LOGIN_THROTTLE } from '../src/domain/directory/service.js';
import { ServiceError } from '../src/domain/errors.js';
import type { PoolRecord, UserRecord } from '../src/domain/ports.js';
import { COMBINATIONS, type Instances } from './support/combinations.js';

const {
  accountFailures: PER_ADDRESS,
  accountFailuresTotal: TOTAL,
  windowMs: WINDOW,
} = DEFAULT_LOGIN_THROTTLE;
const BURST = 50;

type Answer = { ok: UserRecord } | { error: ErrorName; retryAfter?: number };

for (const [name, open] of COMBINATIONS) {
  describe(`the login budget holds against bursts and belongs to the account: ${name}`, () => {
    const clock = new ManualClock();
    let world: Instances;
    let pool: PoolRecord;
    let n = 0;
    // Each test from addresses of its own, so the per-address failure budget of one cannot reach another.
    let nets = 0;
    const addresses = () => {
      nets++;
      return (host: number) => `198.51.${nets}.${host}`;
    };

    before(async () => {
      world = await open({ clock });
      pool = await world.instances[0]!.directory.createPool('throttled');
    });
    after(() => world?.close());

    const newUser = async () => {
      n++;
      const password = `right-password-${n}`;
      const user = await world.instances[0]!.directory.createUser({
        poolId: pool.id,
        username: `Dana${n}`,
        email: `dana${n}@example.com`,
        phone: `+1555010${String(n).padStart(4, '0')}`,
        password,
      });
      return { user, password };
    };

    /** One login through instance `i % instances` (alternating when there are two). */
    const login = async (account: string, password: string, ip: string, i = 0): Promise<Answer> => {
      const { directory } = world.instances[i % world.instances.length]!;
      try {
        return { ok: await directory.authenticate({ poolId: pool.id, account, password, ip }) };
      } catch (err) {
        if (!(err instanceof ServiceError)) throw err;
        const retryAfter = err.headers?.['retry-after'];
        return { error: err.errorName, ...(retryAfter ? { retryAfter: Number(retryAfter) } : {}) };
      }
    };
    const burst = (count: number, attempt: (i: number) => Promise<Answer>) =>
      Promise.all(Array.from({ length: count }, (_, i) => attempt(i)));
    const evaluated = (answers: Answer[]) =>
      answers.filter((a) => 'error' in a && a.error === 'WRONG_CREDENTIALS').length;
    const refused = (answers: Answer[]) =>
      answers.filter((a) => 'error' in a && a.error === 'TOO_MANY_LOGIN_ATTEMPTS');

    it(`${BURST} concurrent wrong passwords: exactly the budget is evaluated, the rest refused with Retry-After`, async () => {
      const { user } = await newUser();
      const ip = addresses()(1);
      const answers = await burst(BURST, (i) => login(user.username!, `wrong-${i}`, ip, i));
      assert.equal(evaluated(answers), PER_ADDRESS);
      const rest = refused(answers);
      assert.equal(rest.length, BURST - PER_ADDRESS);
      for (const a of rest) {
        const retryAfter = (a as { retryAfter?: number }).retryAfter!;
        assert.ok(retryAfter >= 1 && retryAfter <= WINDOW / 1000, `Retry-After ${retryAfter}`);
      }
    });

    it('a second burst a second later evaluates nothing; after the window the right password works', async () => {
      const { user, password } = await newUser();
      const ip = addresses()(1);
      assert.equal(
        evaluated(await burst(BURST, (i) => login(user.username!, `wrong-${i}`, ip, i))),
        PER_ADDRESS,
      );
      clock.advance(1000);
      const second = await burst(BURST, (i) => login(user.username!, `again-${i}`, ip, i));
      assert.equal(evaluated(second), 0);
      assert.equal(refused(second).length, BURST);
      assert.deepEqual(await login(user.username!, password, ip), {
        error: 'TOO_MANY_LOGIN_ATTEMPTS',
        retryAfter: WINDOW / 1000 - 1,
      });
      clock.advance(WINDOW - 1000);
      const back = await login(user.username!, password, ip);
      assert.equal('ok' in back && back.ok.id, user.id);
      // A success starts the budget over.
      assert.equal(
        evaluated(await burst(BURST, (i) => login(user.username!, `later-${i}`, ip, i))),
        PER_ADDRESS,
      );
    });

    it('username, e-mail and phone of one account, in any case, share one budget', async () => {
      const { user, password } = await newUser();
      const ip = addresses()(1);
      const spellings = [
        user.username!,
        user.username!.toUpperCase(),
        user.email!,
        user.email!.toUpperCase(),
        user.phone!,
      ];
      const answers = await burst(BURST, (i) => login(spellings[i % spellings.length]!, `wrong-${i}`, ip, i));
      assert.equal(evaluated(answers), PER_ADDRESS);
      for (const account of spellings) {
        const answer = await login(account, password, ip);
        assert.equal('error' in answer && answer.error, 'TOO_MANY_LOGIN_ATTEMPTS', account);
      }
    });

    it('a stranger at another address spends only their own budget: the user still logs in', async () => {
      const { user, password } = await newUser();
      const net = addresses();
      const stranger = await burst(BURST, (i) => login(user.email!, `guess-${i}`, net(66), i));
      assert.equal(evaluated(stranger), PER_ADDRESS);
      const own = await login(user.phone!, password, net(7));
      assert.equal('ok' in own && own.ok.id, user.id);
    });

    it('strangers at several addresses can lock the account for at most one window', async () => {
      const { user, password } = await newUser();
      const net = addresses();
      // More addresses than it takes, all at once: the account-wide budget is never outrun either.
      const strangers = Math.ceil(TOTAL / PER_ADDRESS) + 2;
      const answers = await burst(strangers * PER_ADDRESS * 2, (i) =>
        login(user.username!, `guess-${i}`, net(100 + (i % strangers)), i),
      );
      assert.equal(evaluated(answers), TOTAL);
      const locked = await login(user.username!, password, net(7));
      assert.equal('error' in locked && locked.error, 'TOO_MANY_LOGIN_ATTEMPTS');
      assert.ok((locked as { retryAfter: number }).retryAfter <= WINDOW / 1000);
      clock.advance(WINDOW);
      const back = await login(user.username!, password, net(7));
      assert.equal('ok' in back && back.ok.id, user.id);
    });

    it('an unknown account is throttled exactly like a known one (no enumeration)', async () => {
      const { user } = await newUser();
      const net = addresses();
      const answersOf = async (account: string, ip: string) =>
        (await burst(BURST, (i) => login(account, `wrong-${i}`, ip, i)))
          .map((a) => ('error' in a ? a.error : 'ok'))
          .sort();
      assert.deepEqual(
        await answersOf('nobody-by-this-name', net(1)),
        await answersOf(user.username!, net(2)),
      );
      assert.equal(
        evaluated(await burst(BURST, (i) => login('NOBODY-by-this-name', `x-${i}`, net(3), i))),
        PER_ADDRESS,
      );
    });

    it(`the step-up password: ${BURST} concurrent wrong ones evaluate exactly the budget`, async () => {
      const { user, password } = await newUser();
      const ip = addresses()(1);
      const answers = await Promise.all(
        Array.from({ length: BURST }, async (_, i) => {
          const { directory } = world.instances[i % world.instances.length]!;
          try {
            return (await directory.verifyUserPassword(user, `wrong-${i}`, ip)) ? 'ok' : 'wrong';
          } catch (err) {
            if (err instanceof ServiceError) return err.errorName;
            throw err;
          }
        }),
      );
      assert.equal(answers.filter((a) => a === 'wrong').length, PER_ADDRESS);
      assert.equal(answers.filter((a) => a === 'TOO_MANY_LOGIN_ATTEMPTS').length, BURST - PER_ADDRESS);
      await assert.rejects(
        world.instances[0]!.directory.verifyUserPassword(user, password, ip),
        (err: ServiceError) => err.errorName === 'TOO_MANY_LOGIN_ATTEMPTS',
      );
      clock.advance(WINDOW);
      assert.equal(await world.instances[0]!.directory.verifyUserPassword(user, password, ip), true);
    });
  });
}
