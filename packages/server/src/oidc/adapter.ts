/**
 * oidc-provider's storage adapter over our artifact store. The provider
 * instantiates it once per model (`new Adapter('AccessToken')`); every
 * instance talks to the same store. Besides storing, it is where four of our
 * rules meet the provider, each at the one place the provider always passes:
 *
 * - Time. The provider stamps `exp` with the wall clock and checks it against
 *   the wall clock. The store records expiry on the service's `Clock`, and on
 *   every read the adapter restates the payload's `exp` as "now + what our
 *   clock says is left" (or "now" once our clock says it expired). Our clock
 *   is then the only authority on expiry: a ManualClock expires a device code
 *   (`expired_token`) or an authorization code without anybody waiting, and in
 *   production (the system clock) the restated `exp` equals the original
 *   within a second. What the provider signs (ID token `iat`/`exp`) stays on
 *   the wall clock, which is what relying parties check it against.
 * - Single use. `consume` has exactly one winner across instances; the loser
 *   of a race is refused (`invalid_grant`) and the grant is revoked, as for
 *   any replayed code (RFC 6749 §4.1.2).
 * - Web sessions. A grant is only found while the web session it was born
 *   with is live (the user can revoke it from the phone); destroying a grant
 *   (logout, token revocation) revokes that web session. See sign-in.ts.
 * - Polling pace. A pending device code read by the token endpoint counts a
 *   poll; one that comes too soon gets `slow_down` (see device-polling.ts).
 *
 * Client registrations are read-only here: the admin API writes them.
 */

import type { Clock } from '../domain/clock.js';
import type { OidcArtifact, OidcArtifactStore } from '../domain/oidc/ports.js';
import type { ClientRegistry } from './clients.js';
import type { DevicePolling } from './device-polling.js';
import { errors, Provider } from './library.js';

/** What the adapter asks of the sign-in side about grants (implemented by OidcSignIn). */
export interface GrantGuard {
  /** Whether the grant's web session is live; false for a grant without one. */
  isGrantLive(grantId: string): Promise<boolean>;
  /** The grant is being destroyed by the provider: end its web session. */
  grantDestroyed(grantId: string): Promise<void>;
  /** Revokes the grant and everything issued under it (a replayed code). */
  revokeGrant(grantId: string): Promise<void>;
}

export interface AdapterDeps {
  store: OidcArtifactStore;
  clock: Clock;
  clients: ClientRegistry;
  grants: GrantGuard;
  polling: DevicePolling;
}

type Payload = Record<string, unknown>;

const wallSeconds = () => Math.floor(Date.now() / 1000);

/** The payload as the provider should see it now: expiry restated from our clock, consumption merged in. */
export function providerView(a: OidcArtifact, clock: Clock): Payload {
  const payload: Payload = { ...a.payload };
  if (a.consumedAt !== null) payload.consumed = Math.floor(a.consumedAt / 1000);
  if (a.expiresAt !== null && typeof payload.exp === 'number') {
    const left = a.expiresAt - clock.now();
    payload.exp = left > 0 ? wallSeconds() + Math.ceil(left / 1000) : wallSeconds();
  }
  return payload;
}

/** True when the provider is serving a token request (the device's poll). */
function inTokenRequest(): boolean {
  const ctx = Provider.ctx as { oidc?: { route?: string } } | undefined;
  return ctx?.oidc?.route === 'token';
}

export function artifactAdapter(deps: AdapterDeps) {
  const { store, clock, clients, grants, polling } = deps;

  return class ArtifactAdapter {
    constructor(readonly name: string) {}

    async upsert(id: string, payload: Payload, expiresIn?: number): Promise<void> {
      if (this.name === 'Client') throw new Error('client registrations are managed by the admin API');
      const { consumed, ...rest } = payload;
      const now = clock.now();
      await store.upsert({
        kind: this.name,
        id,
        payload: rest,
        expiresAt: typeof expiresIn === 'number' && expiresIn > 0 ? now + expiresIn * 1000 : null,
        consumedAt: consumed ? now : null,
      });
    }

    async find(id: string): Promise<Payload | undefined> {
      if (this.name === 'Client') return clients.metadata(id);
      const found = await store.find(this.name, id);
      if (!found) return undefined;
      const payload = providerView(found, clock);
      if (this.name === 'Grant' && !(await grants.isGrantLive(id))) {
        await grants.revokeGrant(id);
        return undefined;
      }
      if (this.name === 'DeviceCode' && inTokenRequest()) await this.#pace(id, found);
      return payload;
    }

    async #pace(id: string, code: OidcArtifact): Promise<void> {
      const p = code.payload;
      const pending = !p.accountId && !p.error && code.consumedAt === null;
      const live = code.expiresAt === null || code.expiresAt > clock.now();
      // Only a code still waiting is paced: an answer (tokens, access_denied, expired_token) is never held back.
      if (pending && live && !(await polling.admit(id))) {
        const interval = await polling.currentInterval(id);
        throw new errors.SlowDown(`poll at most every ${interval} seconds`);
      }
    }

    async findByUid(uid: string): Promise<Payload | undefined> {
      const found = await store.findByUid(this.name, uid);
      return found ? providerView(found, clock) : undefined;
    }

    async findByUserCode(userCode: string): Promise<Payload | undefined> {
      const found = await store.findByUserCode(this.name, userCode);
      return found ? providerView(found, clock) : undefined;
    }

    async consume(id: string): Promise<void> {
      if (await store.consume(this.name, id, clock.now())) return;
      // The provider read it unused a moment ago: another request redeemed it in between.
      const grantId = (await store.find(this.name, id))?.payload.grantId;
      if (typeof grantId === 'string') await grants.revokeGrant(grantId);
      throw new errors.InvalidGrant('grant source already consumed');
    }

    async destroy(id: string): Promise<void> {
      if (this.name === 'Grant') await grants.grantDestroyed(id);
      await store.destroy(this.name, id);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await store.revokeByGrantId(this.name, grantId);
    }
  };
}
