import { QR_SIGNATURE_TYPE, unsignedQrPayload } from '@scanlogin/protocol';
import { ScanloginError } from './errors.js';
import { type ParsedQr, QrPayloadError } from './payload.js';
import type { FetchLike } from './transport.js';

/**
 * What the app knows about who made a code, after `verifyQrPayload`:
 *
 * - `verified`: the code's signature checked out against the service's keys.
 * - `unsigned`: the code carries no signature and the verifier was told to
 *   allow that (a service that does not sign); rely on the request context.
 * - `unchecked`: no verifier is configured (`verifier: null`); nothing was checked.
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
  /** The client's clock (epoch milliseconds). */
  now: number;
  signal?: AbortSignal;
}

/**
 * A verifier proves a parsed code was made by the service before anything
 * is shown to the user. It resolves with a `QrVerification`, or throws
 * `QrPayloadError` (reasons `unsigned`, `bad-signature`, `expired`) or a
 * `ScanloginError` when the keys cannot be fetched. `ScanloginApp` uses
 * `jwksVerifier()` unless its `verifier` option says otherwise.
 */
export interface QrPayloadVerifier {
  verify(qr: ParsedQr, ctx: QrVerifierContext): Promise<QrVerification>;
}

export interface JwksVerifierOptions {
  /**
   * Accept codes without a signature (resolving `unsigned`) instead of
   * refusing them. Only for services that do not sign codes; default false.
   */
  allowUnsigned?: boolean;
  /** How far past the signature's expiry a code is still accepted, for phones whose clock runs ahead (ms, default 0). */
  clockToleranceMs?: number;
}

interface Jwk {
  kid?: string;
  kty?: string;
  crv?: string;
  x?: string;
  y?: string;
}

/**
 * Checks the `sig` of our codes: a compact JWS (ES256, `typ`
 * `scanlogin-qr+jwt`) by a key of the service's JWKS, whose `sub` is the
 * code's id, `aud` its user pool, `exp` not passed, and `dig` the SHA-256 of
 * the scanned text before its `sig`: every field the app shows or acts on
 * (scene, id, pool, times, customData) is covered, byte for byte. A code
 * copied onto a phishing page still verifies (it is genuine); what this stops
 * is a code made up or altered by someone else, and an old picture of a
 * rotating code. A signature without `dig` (a service older than this SDK) is
 * refused: it would leave the rest of the code unchecked.
 *
 * Keys are fetched once and again only for an unknown key id (a rotation),
 * at most once a minute. Uses WebCrypto, so it runs where `crypto.subtle`
 * does (browsers in a secure context, React Native with a polyfill, Node 20).
 */
export function jwksVerifier(options: JwksVerifierOptions = {}): QrPayloadVerifier {
  const keys = new Map<string, CryptoKey>();
  let fetchedAt = Number.NEGATIVE_INFINITY;
  let fetchedFrom = '';

  async function keyFor(kid: string, ctx: QrVerifierContext): Promise<CryptoKey | undefined> {
    if (fetchedFrom !== ctx.host) {
      keys.clear();
      fetchedAt = Number.NEGATIVE_INFINITY;
      fetchedFrom = ctx.host;
    }
    if (!keys.has(kid) && ctx.now - fetchedAt >= 60_000) {
      const set = await fetchKeys(ctx);
      fetchedAt = ctx.now;
      for (const jwk of set.keys ?? []) {
        if (jwk.kid && jwk.kty === 'EC' && jwk.crv === 'P-256' && !keys.has(jwk.kid)) {
          const material = { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y };
          const imported = await crypto.subtle.importKey(
            'jwk',
            material,
            { name: 'ECDSA', namedCurve: 'P-256' },
            false,
            ['verify'],
          );
          keys.set(jwk.kid, imported);
        }
      }
    }
    return keys.get(kid);
  }

  return {
    async verify(qr, ctx) {
      if (qr.sig === null) {
        if (options.allowUnsigned) return { status: 'unsigned' };
        throw new QrPayloadError('unsigned', 'This login code is not signed by the service; it was refused.');
      }
      const forged = () =>
        new QrPayloadError('bad-signature', 'This login code was not made by the service.');
      const parts = qr.sig.split('.');
      if (parts.length !== 3) throw forged();
      const [h, p, s] = parts as [string, string, string];
      const header = decodeJson(h);
      const claims = decodeJson(p);
      if (!header || !claims || header.alg !== 'ES256' || header.typ !== QR_SIGNATURE_TYPE) throw forged();
      if (typeof header.kid !== 'string') throw forged();
      const key = await keyFor(header.kid, ctx);
      const signature = base64UrlBytes(s);
      if (!key || !signature || signature.length !== 64) throw forged();
      const valid = await crypto.subtle.verify(
        { name: 'ECDSA', hash: 'SHA-256' },
        key,
        signature,
        new TextEncoder().encode(`${h}.${p}`),
      );
      if (
        !valid ||
        claims.sub !== qr.random ||
        claims.aud !== qr.userPoolId ||
        typeof claims.exp !== 'number'
      ) {
        throw forged();
      }
      // The digest covers every other byte of the code (scene, times, customData...): what was
      // parsed came from exactly the text the service signed, or the code is refused.
      const unsigned = unsignedQrPayload(qr.raw, qr.sig);
      if (
        unsigned === null ||
        typeof claims.dig !== 'string' ||
        claims.dig !== (await sha256Base64Url(unsigned))
      ) {
        throw new QrPayloadError('bad-signature', 'This login code was altered after the service made it.');
      }
      if (ctx.now >= claims.exp * 1000 + Math.max(0, options.clockToleranceMs ?? 0)) {
        throw new QrPayloadError(
          'expired',
          'This login code has been replaced or has expired; scan the page again.',
        );
      }
      return { status: 'verified', keyId: header.kid };
    },
  };
}

const KEYS_TIMEOUT_MS = 10_000;

/** The service's JWKS; failures are `ScanloginError`s like those of every other call. */
async function fetchKeys(ctx: QrVerifierContext): Promise<{ keys?: Jwk[] }> {
  // By hand rather than AbortSignal.any/timeout, which React Native lacks.
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  ctx.signal?.addEventListener('abort', onAbort);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, KEYS_TIMEOUT_MS);
  try {
    let res: Response;
    try {
      res = await ctx.fetch(`${ctx.host}/.well-known/jwks.json`, {
        method: 'GET',
        headers: { accept: 'application/json' },
        signal: controller.signal,
      });
    } catch (cause) {
      if (timedOut)
        throw ScanloginError.client('timeout', 'The service did not send its keys in time.', { cause });
      if (ctx.signal?.aborted)
        throw ScanloginError.client('aborted', 'The key fetch was cancelled.', { cause });
      throw ScanloginError.client('network', 'Could not reach the service to check the code.', { cause });
    }
    const set = (await res.json().catch(() => null)) as { keys?: Jwk[] } | null;
    if (!res.ok || !set || !Array.isArray(set.keys)) {
      throw ScanloginError.client('bad-response', 'The service did not answer with its keys.', {
        status: res.status,
      });
    }
    return set;
  } finally {
    clearTimeout(timer);
    ctx.signal?.removeEventListener('abort', onAbort);
  }
}

async function sha256Base64Url(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  let bin = '';
  for (const byte of digest) bin += String.fromCharCode(byte);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function base64UrlBytes(text: string): Uint8Array<ArrayBuffer> | null {
  // A length of 4n+1 is never valid base64 (atob would throw).
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return null;
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function decodeJson(segment: string): Record<string, unknown> | null {
  const bytes = base64UrlBytes(segment);
  if (!bytes) return null;
  try {
    const v = JSON.parse(new TextDecoder().decode(bytes));
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? v : null;
  } catch {
    return null;
  }
}
