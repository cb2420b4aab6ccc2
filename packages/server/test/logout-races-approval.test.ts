/**
 * Issue 17, part 3: signing the phone out must win against an approval that
 * is already on its way. An approval checks the phone's token when it
 * arrives and writes status 2 a moment later; a logout landing in between
 * cannot stop that write (the token was good when it was checked), so the
 * approval records the app session that gave it, and a ticket is redeemed
 * only while that session is live. Whatever the interleaving, once the
 * logout has answered no website gets a login out of that phone's approvals:
 * the confirm answers 2 or INVALID_TOKEN, and a ticket it produced is
 * refused (APPROVAL_WITHDRAWN), while the token is refused everywhere.
 *
 * On the embedded SQLite, and on PostgreSQL + Redis with two instances (the
 * confirm through one, the logout through the other).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { QrStatus } from '@scanlogin/protocol';
import { ManualClock } from '../src/domain/clock.js';
import {
  type Answer,
  appAction,
  assertError,
  assertOk,
  basic,
  call,
  check,
  generateFor,
  loginAs,
  type TestServer,
} from './helpers.js';
import { WORLDS } from './support/backends.js';
import { deferred } from './support/signals.js';

const ROUNDS = 60;
/** Rounds raced at once. */
const BATCH = 10;

/**
 * Holds the next read of a code by its public id (the first step of a
 * confirm, after its token was checked) until `release`: the window between
 * the token check and the write, opened on purpose.
 */
function holdNextRead(s: TestServer) {
  const sessions = s.services.storage.sessions;
  const read = sessions.findByPublicId;
  const reached = deferred();
  const released = deferred();
  sessions.findByPublicId = async function (this: typeof sessions, publicId: string) {
    sessions.findByPublicId = read;
    const found = await read.call(this, publicId);
    reached.resolve();
    await released.promise;
    return found;
  };
  return { reached: reached.promise, release: () => released.resolve() };
}

for (const world of WORLDS) {
  describe(`logout against an approval in flight: ${world.name}`, () => {
    const clock = new ManualClock();
    let servers: TestServer[];
    let s: TestServer;
    let other: TestServer;

    before(async () => {
      // Logins come one at a time (each success starts the account's budget over).
      servers = await world.start({ clock });
      s = servers[0]!;
      other = servers.at(-1)!;
    });
    after(async () => {
      for (const x of [...(servers ?? [])].reverse()) await x.close();
    });

    const logout = async (via: TestServer, token: string) =>
      assertOk(await call(via.url, 'POST', '/api/v2/logout', { headers: { authorization: token } }))
        .revoked as number;
    const redeem = (via: TestServer, ticket: string) =>
      call(via.url, 'POST', '/api/v2/qrcode/userinfo', {
        body: { ticket },
        headers: { authorization: basic(s.seed.app.id, s.seed.app.secret) },
      });
    const active = async (via: TestServer, token: string) =>
      assertOk(await call(via.url, 'POST', '/api/v2/token/validate', { body: { token } })).active as boolean;

    /** A signed-in phone that has scanned a fresh code. */
    async function scannedCode() {
      const token = await loginAs(s, s.seed.app.id, 'alice', 'alice-demo-pass');
      const { random } = await generateFor(s, s.seed.app.id);
      assertOk(await appAction(s, 'scanned', random, token));
      return { token, random };
    }

    /** After the logout answered: the token is refused, and no approval of it can be redeemed. */
    async function nothingComesOfIt(
      token: string,
      random: string,
      confirm: Answer,
    ): Promise<'approved' | 'refused'> {
      for (const via of servers) assert.equal(await active(via, token), false);
      assertError(await appAction(other, 'cancel', random, token), 'INVALID_TOKEN');
      if (confirm.status === 401) {
        assertError(confirm, 'INVALID_TOKEN');
        assert.equal(assertOk(await check(s, random)).status, QrStatus.Scanned, 'nothing was approved');
        return 'refused';
      }
      assert.equal(assertOk(confirm).status, QrStatus.Authorized);
      // The page sees the approval, but nothing to log in with.
      const seen = assertOk(await check(s, random));
      assert.equal(seen.status, QrStatus.Authorized);
      assert.equal(seen.ticket, null, 'no ticket for a withdrawn approval');
      // A ticket read before the logout (the page polled in between) is refused at redemption.
      const ticket = (await s.services.storage.sessions.getSession(random))?.ticket;
      assert.ok(ticket);
      assertError(await redeem(other, ticket), 'APPROVAL_WITHDRAWN');
      return 'approved';
    }

    it('the exact window: the confirm passed its token check, the phone signs out, the confirm writes status 2: the website gets nothing', async () => {
      const { token, random } = await scannedCode();
      const held = holdNextRead(s);
      const confirming = appAction(s, 'confirm', random, token);
      await held.reached;
      assert.equal(await logout(other, token), 1);
      held.release();
      const confirm = await confirming;
      assert.equal(assertOk(confirm).status, QrStatus.Authorized, 'the write itself went through');
      assert.equal(await nothingComesOfIt(token, random, confirm), 'approved');
    });

    it('a logout that lands first refuses the confirm outright', async () => {
      const { token, random } = await scannedCode();
      assert.equal(await logout(other, token), 1);
      assert.equal(
        await nothingComesOfIt(token, random, await appAction(s, 'confirm', random, token)),
        'refused',
      );
    });

    it(`${ROUNDS} rounds of confirm and logout sent together: never a login for the website, never a 5xx`, async (t) => {
      const outcomes = { approved: 0, refused: 0 };
      for (let done = 0; done < ROUNDS; done += BATCH) {
        const codes = [];
        for (let i = 0; i < BATCH; i++) codes.push(await scannedCode());
        const raced = await Promise.all(
          codes.map(({ token, random }) =>
            Promise.all([appAction(s, 'confirm', random, token), logout(other, token)]),
          ),
        );
        for (const [i, [confirm, revoked]] of raced.entries()) {
          assert.equal(revoked, 1, 'the logout ended the session');
          const { token, random } = codes[i]!;
          outcomes[await nothingComesOfIt(token, random, confirm)]++;
        }
      }
      assert.equal(outcomes.approved + outcomes.refused, ROUNDS);
      t.diagnostic(`approved then withdrawn: ${outcomes.approved}, refused: ${outcomes.refused}`);
    });

    it('validations and app calls racing a logout: every one that starts after the logout answered is refused, on every instance', async () => {
      for (let round = 0; round < 10; round++) {
        const { token, random } = await scannedCode();
        // Some checks start before the logout, some with it; which of those win is not assumed.
        const during = Array.from({ length: 8 }, (_, i) =>
          i % 2 === 0
            ? active(servers[i % servers.length]!, token)
            : appAction(other, 'scanned', random, token),
        );
        assert.equal(await logout(servers[round % servers.length]!, token), 1);
        for (const answer of await Promise.all(during)) {
          // Either outcome, but never a failure of the service.
          if (typeof answer !== 'boolean')
            assert.ok(answer.status === 200 || answer.status === 401, String(answer.status));
        }
        const afterwards = await Promise.all(
          servers.flatMap((via) => [active(via, token), appAction(via, 'scanned', random, token)]),
        );
        for (const answer of afterwards) {
          if (typeof answer === 'boolean') assert.equal(answer, false);
          else assertError(answer, 'INVALID_TOKEN');
        }
      }
    });

    it('an admin signs a user out everywhere while several phones approve: no website gets a login once it answered', async () => {
      const phones = 6;
      const codes = [];
      for (let i = 0; i < phones; i++) codes.push(await scannedCode());
      const userId = (await s.services.tokens.verify(codes[0]!.token)).sub;
      const [revoked, ...confirms] = await Promise.all([
        call(other.url, 'DELETE', `/api/admin/users/${userId}/sessions`, {
          headers: { authorization: `Bearer ${s.seed.adminToken}` },
        }),
        ...codes.map(({ token, random }, i) =>
          appAction(servers[i % servers.length]!, 'confirm', random, token),
        ),
      ]);
      assert.ok(assertOk(revoked).appSessions >= phones, JSON.stringify(revoked.body));
      for (const [i, confirm] of confirms.entries()) {
        const { token, random } = codes[i]!;
        await nothingComesOfIt(token, random, confirm);
      }
    });
  });
}
