/**
 * Conformance cases of the OpenID provider's artifact store (src/domain/oidc/ports.ts).
 * The storage suite (conformance.ts, beside this file) runs them on every adapter combination;
 * they live apart so they move with the port.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OidcArtifact, OidcArtifactStore } from '../../src/domain/ports.js';

const T0 = Date.UTC(2026, 0, 1);
let n = 0;
const unique = (prefix: string) => `${prefix}-${++n}-${Math.random().toString(36).slice(2, 10)}`;

function artifact(over: Partial<OidcArtifact> = {}): OidcArtifact {
  return {
    kind: 'AccessToken',
    id: unique('id'),
    payload: { jti: 'x', kind: 'AccessToken', exp: 1_800_000_000, scope: 'openid' },
    expiresAt: T0 + 60_000,
    consumedAt: null,
    ...over,
  };
}

export function oidcArtifactCases(store: () => OidcArtifactStore): void {
  describe('OpenID provider artifacts', () => {
    it('round-trips an artifact; kinds do not share ids', async () => {
      const st = store();
      const a = artifact({
        payload: {
          jti: 'round',
          nested: { list: [1, 'two', null], deep: { ok: true } },
          // Payloads carry request parameters verbatim: any text must survive.
          text: 'naïve \u0000 "quoted" \u2028 😀',
        },
      });
      await st.upsert(a);
      assert.deepEqual(await st.find(a.kind, a.id), a);
      assert.equal(await st.find('RefreshToken', a.id), null);
      assert.equal(await st.find(a.kind, 'missing'), null);
      const forever = artifact({ kind: 'Client', expiresAt: null, payload: { redirect_uris: [] } });
      await st.upsert(forever);
      assert.deepEqual(await st.find('Client', forever.id), forever);
    });

    it('replaces an artifact and its indexes on upsert', async () => {
      const st = store();
      const id = unique('session');
      const first = artifact({ kind: 'Session', id, payload: { uid: unique('uid'), accountId: 'a' } });
      await st.upsert(first);
      assert.deepEqual(await st.findByUid('Session', first.payload.uid as string), first);
      const second = artifact({ kind: 'Session', id, payload: { uid: unique('uid'), accountId: 'b' } });
      await st.upsert(second);
      assert.deepEqual(await st.find('Session', id), second);
      assert.equal(await st.findByUid('Session', first.payload.uid as string), null, 'old uid index gone');
      assert.deepEqual(await st.findByUid('Session', second.payload.uid as string), second);
    });

    it('finds by user code and by uid within the kind only', async () => {
      const st = store();
      const userCode = unique('CODE').toUpperCase();
      const device = artifact({ kind: 'DeviceCode', payload: { userCode, grantId: 'g' } });
      await st.upsert(device);
      assert.deepEqual(await st.findByUserCode('DeviceCode', userCode), device);
      assert.equal(await st.findByUserCode('ShortCode', userCode), null);
      assert.equal(await st.findByUserCode('DeviceCode', 'NOPE'), null);
      assert.equal(await st.findByUid('Session', 'nobody'), null);
    });

    it('lets exactly one caller consume an artifact, once', async () => {
      const st = store();
      const code = artifact({ kind: 'AuthorizationCode' });
      await st.upsert(code);
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) => st.consume(code.kind, code.id, T0 + 1000 + i)),
      );
      assert.equal(results.filter(Boolean).length, 1, 'one winner');
      const after = await st.find(code.kind, code.id);
      assert.ok(after?.consumedAt !== null && after!.consumedAt >= T0 + 1000);
      assert.deepEqual(after?.payload, code.payload, 'consuming leaves the payload alone');
      assert.equal(await st.consume(code.kind, code.id, T0 + 5000), false, 'never twice');
      assert.equal(await st.consume(code.kind, 'missing', T0), false);
      // A re-saved artifact carries the consumption it is given.
      await st.upsert({ ...code, consumedAt: T0 + 7 });
      assert.equal((await st.find(code.kind, code.id))?.consumedAt, T0 + 7);
    });

    it('destroys an artifact with its indexes', async () => {
      const st = store();
      const userCode = unique('UC');
      const device = artifact({ kind: 'DeviceCode', payload: { userCode, grantId: unique('grant') } });
      await st.upsert(device);
      await st.destroy(device.kind, device.id);
      assert.equal(await st.find(device.kind, device.id), null);
      assert.equal(await st.findByUserCode(device.kind, userCode), null);
      await st.destroy(device.kind, device.id); // nothing left: no error
      await st.revokeByGrantId(device.kind, device.payload.grantId as string);
    });

    it('revokes the artifacts of one kind issued under a grant, and nothing else', async () => {
      const st = store();
      const grantId = unique('grant');
      const a1 = artifact({ kind: 'AccessToken', payload: { grantId } });
      const a2 = artifact({ kind: 'AccessToken', payload: { grantId } });
      const refresh = artifact({ kind: 'RefreshToken', payload: { grantId } });
      const other = artifact({ kind: 'AccessToken', payload: { grantId: unique('grant') } });
      for (const a of [a1, a2, refresh, other]) await st.upsert(a);
      await st.revokeByGrantId('AccessToken', grantId);
      assert.equal(await st.find('AccessToken', a1.id), null);
      assert.equal(await st.find('AccessToken', a2.id), null);
      assert.deepEqual(await st.find('RefreshToken', refresh.id), refresh, 'another kind stays');
      assert.deepEqual(await st.find('AccessToken', other.id), other, 'another grant stays');
      await st.revokeByGrantId('RefreshToken', grantId);
      assert.equal(await st.find('RefreshToken', refresh.id), null);
      // A token moved to another grant by an upsert leaves the old grant's list.
      const moved = artifact({ kind: 'AccessToken', payload: { grantId } });
      await st.upsert(moved);
      const elsewhere = unique('grant');
      await st.upsert({ ...moved, payload: { grantId: elsewhere } });
      await st.revokeByGrantId('AccessToken', grantId);
      assert.ok(await st.find('AccessToken', moved.id));
      await st.revokeByGrantId('AccessToken', elsewhere);
      assert.equal(await st.find('AccessToken', moved.id), null);
    });

    it('keeps expired artifacts findable until the sweep, then forgets only those', async () => {
      const st = store();
      // Far in the future, so artifacts of the other cases (and of other runs) are not swept here.
      const base = Date.UTC(2090, 0, 1);
      const uid = unique('uid');
      const old = artifact({ kind: 'Session', expiresAt: base + 1000, payload: { uid } });
      const live = artifact({ expiresAt: base + 10_000 });
      const forever = artifact({ kind: 'Client', expiresAt: null });
      for (const a of [old, live, forever]) await st.upsert(a);
      assert.deepEqual(await st.find(old.kind, old.id), old, 'expired but not swept: still found');
      const removed = await st.deleteExpired(base + 5000);
      assert.ok(removed >= 1, `removed ${removed}`);
      assert.equal(await st.find(old.kind, old.id), null);
      assert.equal(await st.findByUid('Session', uid), null);
      assert.deepEqual(await st.find(live.kind, live.id), live);
      assert.deepEqual(await st.find(forever.kind, forever.id), forever);
    });
  });
}
