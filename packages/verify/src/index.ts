/**
 * Verify Scanlogin tokens in a Node backend.
 *
 * ```ts
 * import { createVerifier } from '@scanlogin/verify';
 * const verify = createVerifier({ issuer: 'https://login.example.com', audience: APP_ID });
 * const claims = await verify(tokenFromTheRequest); // throws if invalid
 * ```
 *
 * Keys come from the service's JWKS (`/.well-known/jwks.json`), cached and
 * refetched by `jose` when a token names a key it has not seen (rotation).
 *
 * A signature check alone cannot know that the user signed the website out
 * from their phone. With `checkRevocation: true` each verification also asks
 * the service (`POST /api/v2/token/validate`), so a revoked session fails at
 * once; it costs one request to the service per verification.
 */
import { createRemoteJWKSet, type JWTPayload, jwtVerify } from 'jose';

export interface ScanloginClaims extends JWTPayload {
  sub: string;
  aud: string;
  userpool_id: string;
  token_use: 'app' | 'web';
  amr: string[];
  sid?: string;
  /** A QR login whose page asked `withCustomData`: the custom data the code carried, signed with the token. */
  custom_data?: Record<string, unknown>;
}

export interface VerifierOptions {
  /** The service's public URL, exactly as it signs tokens (`iss`). */
  issuer: string;
  /** Your app id: tokens minted for other apps are refused. */
  audience: string;
  /** Where the keys are; defaults to `${issuer}/.well-known/jwks.json`. */
  jwksUrl?: string;
  /** Accept only website tokens (minted at ticket exchange). Default true. */
  webOnly?: boolean;
  /** Allowed clock difference in seconds. Default 30. */
  clockTolerance?: number;
  /**
   * Also ask the service whether the token's session is still live, so a
   * session the user revoked from the app fails at once. Fails closed: if
   * the service cannot answer, verification fails. Default false.
   */
  checkRevocation?: boolean;
  /** Where the revocation check reaches the service, when not at `issuer` (an internal address). */
  serviceUrl?: string;
  /** The fetch used for the revocation check (default `globalThis.fetch`). */
  fetch?: typeof fetch;
}

export class TokenVerificationError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TokenVerificationError';
  }
}

/** Returns a function that verifies a token (bare or `Bearer ...`) and resolves to its claims. */
export function createVerifier(opts: VerifierOptions): (token: string) => Promise<ScanloginClaims> {
  const jwks = createRemoteJWKSet(new URL(opts.jwksUrl ?? `${opts.issuer}/.well-known/jwks.json`));
  const webOnly = opts.webOnly ?? true;
  const validateUrl = `${(opts.serviceUrl ?? opts.issuer).replace(/\/+$/, '')}/api/v2/token/validate`;
  const fetchImpl = opts.fetch ?? globalThis.fetch;
  return async (token) => {
    const bare = token.replace(/^Bearer\s+/i, '').trim();
    try {
      const { payload } = await jwtVerify(bare, jwks, {
        issuer: opts.issuer,
        audience: opts.audience,
        algorithms: ['ES256'],
        // Signed QR codes use another typ with the same keys: never accept them as tokens.
        typ: 'JWT',
        clockTolerance: opts.clockTolerance ?? 30,
        requiredClaims: ['sub', 'exp', 'iat', 'jti'],
      });
      if (webOnly && payload.token_use !== 'web') throw new TokenVerificationError('not a website token');
      if (opts.checkRevocation && !(await stillActive(fetchImpl, validateUrl, bare))) {
        throw new TokenVerificationError('the session was revoked');
      }
      return payload as ScanloginClaims;
    } catch (err) {
      if (err instanceof TokenVerificationError) throw err;
      throw new TokenVerificationError('invalid token', { cause: err });
    }
  };
}

async function stillActive(fetchImpl: typeof fetch, url: string, token: string): Promise<boolean> {
  let res: Response;
  try {
    res = await fetchImpl(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token }),
      signal: AbortSignal.timeout(5000),
    });
  } catch (err) {
    throw new TokenVerificationError('could not reach the service to check revocation', { cause: err });
  }
  const body = (await res.json().catch(() => null)) as { data?: { active?: unknown } } | null;
  if (!res.ok || typeof body?.data?.active !== 'boolean') {
    throw new TokenVerificationError(`the service could not check revocation (HTTP ${res.status})`);
  }
  return body.data.active;
}
