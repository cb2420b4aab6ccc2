/**
 * The storage port of the OpenID provider: what node-oidc-provider keeps
 * (sessions, grants, codes, tokens, interactions, client registrations), in
 * the shape of its adapter interface (`upsert`, `find`, `findByUid`,
 * `findByUserCode`, `consume`, `destroy`, `revokeByGrantId`), plus the sweep
 * every other store of ours has. Each artifact is a JSON payload the provider
 * owns; the store only reads the fields it indexes (`grantId`, `userCode`,
 * `uid`) and never interprets the rest.
 *
 * Two differences from the provider's own contract, both on purpose:
 * - Time is the service's clock: `expiresAt` and `consumedAt` are milliseconds
 *   of our `Clock`, so tests move expiry with a ManualClock (see src/oidc/adapter.ts).
 * - `consume` says who won: exactly one caller consumes an artifact, across
 *   instances, so a code redeemed twice at once still has one winner.
 *
 * The conformance cases are in test/support/oidc-conformance.ts; every
 * adapter combination runs them through the storage suite.
 */

/**
 * Kinds the provider stores (its model names), and two of ours:
 * - `GrantLink`: which web session a grant was born with (see src/oidc/sign-in.ts);
 * - `ShortCode`: a typed code that stands for a sign-in page's QR code.
 */
export type OidcArtifactKind =
  | 'Session'
  | 'AccessToken'
  | 'AuthorizationCode'
  | 'RefreshToken'
  | 'DeviceCode'
  | 'ClientCredentials'
  | 'Client'
  | 'InitialAccessToken'
  | 'RegistrationAccessToken'
  | 'Interaction'
  | 'ReplayDetection'
  | 'PushedAuthorizationRequest'
  | 'Grant'
  | 'BackchannelAuthenticationRequest'
  | 'GrantLink'
  | 'ShortCode';

/**
 * Kinds that must outlive a restart of the hot store: client registrations
 * (admin settings), and the long-lived state of a sign-in (browser session,
 * grant, refresh token, and the grant's link to its web session). The rest are
 * short-lived and churn (codes, access tokens, interactions). A cluster keeps
 * the first in PostgreSQL and the rest in Redis (see src/storage/oidc-split.ts).
 */
export const DURABLE_ARTIFACT_KINDS: ReadonlySet<string> = new Set([
  'Client',
  'Session',
  'Grant',
  'RefreshToken',
  'GrantLink',
]);

export interface OidcArtifact {
  kind: string;
  id: string;
  /** The provider's payload as given (plain JSON). */
  payload: Record<string, unknown>;
  /** When it stops being usable, on the service's clock (ms); null: never. */
  expiresAt: number | null;
  /** When it was consumed (service clock, ms); null while unused. */
  consumedAt: number | null;
}

export interface OidcArtifactStore {
  /** Creates or replaces the artifact (its indexes follow its payload's `grantId`, `userCode`, `uid`). */
  upsert(artifact: OidcArtifact): Promise<void>;
  /**
   * The artifact, expired or not, while the store still has it: the provider
   * tells "expired" from "unknown" itself (RFC 8628's `expired_token`). A
   * store forgets an artifact some time after `expiresAt` (sweep or TTL).
   */
  find(kind: string, id: string): Promise<OidcArtifact | null>;
  /** The artifact of this kind whose payload `uid` is this (browser sessions). */
  findByUid(kind: string, uid: string): Promise<OidcArtifact | null>;
  /** The artifact of this kind whose payload `userCode` is this (device codes, short codes). */
  findByUserCode(kind: string, userCode: string): Promise<OidcArtifact | null>;
  /**
   * Marks the artifact consumed at `at`. True only for the one call that
   * found it stored and unconsumed: concurrent redemptions have one winner.
   */
  consume(kind: string, id: string, at: number): Promise<boolean>;
  destroy(kind: string, id: string): Promise<void>;
  /** Removes every artifact of this kind issued under the grant (tokens and codes of a revoked grant). */
  revokeByGrantId(kind: string, grantId: string): Promise<void>;
  /** Forgets artifacts that expired before `now`; returns how many. */
  deleteExpired(now: number): Promise<number>;
}

/** The indexed fields of a payload, as every adapter reads them. */
export function artifactIndexes(payload: Record<string, unknown>): {
  grantId: string | null;
  userCode: string | null;
  uid: string | null;
} {
  const str = (v: unknown) => (typeof v === 'string' && v ? v : null);
  return { grantId: str(payload.grantId), userCode: str(payload.userCode), uid: str(payload.uid) };
}
