import type { ParsedQr } from './payload.js';
import type { FetchLike } from './transport.js';

/**
 * What the app knows about who made a code, after `verifyQrPayload`:
 *
 * - `verified`: a verifier checked the code's signature against the service's keys.
 * - `unsigned`: the code carries no signature. Every code is unsigned today,
 *   so this is not an error yet; the confirm screen should rely on the
 *   request context (which site, where from) instead.
 * - `unchecked`: the code carries a signature but no verifier is configured.
 */
export type QrVerification =
  | { status: 'verified'; keyId: string | null }
  | { status: 'unsigned' }
  | { status: 'unchecked' };

/** What a verifier gets besides the code: where the service is and how to reach it. */
export interface QrVerifierContext {
  /** The service's base URL; its keys are at `${host}/.well-known/jwks.json`. */
  host: string;
  /** The client's fetch, so a verifier works wherever the client does. */
  fetch: FetchLike;
  signal?: AbortSignal;
}

/**
 * EXTENSION POINT for signed login codes (planned: a compact JWS in the
 * payload's `sig` field, signed with a key from the service's JWKS).
 *
 * A verifier proves a parsed code was made by the service. It resolves with
 * `{ status: 'verified' }`, or throws `QrPayloadError` with reason
 * `bad-signature` (or a `ScanloginError` when the keys cannot be fetched).
 * Pass one as `ScanloginApp` option `verifier`; `verifyQrPayload` (and
 * `scan`) call it before anything is shown to the user. None is built in yet.
 */
export interface QrPayloadVerifier {
  verify(qr: ParsedQr, ctx: QrVerifierContext): Promise<QrVerification>;
}

/** The outcome when no verifier is configured: says whether the code was signed, checks nothing. */
export function unverified(qr: ParsedQr): QrVerification {
  return qr.sig === null ? { status: 'unsigned' } : { status: 'unchecked' };
}
