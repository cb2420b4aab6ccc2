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
 */
import { createRemoteJWKSet, type JWTPayload, jwtVerify } from 'jose';

export interface ScanloginClaims extends JWTPayload {
  sub: string;
  aud: string;
  userpool_id: string;
  token_use: 'app' | 'web';
  amr: string[];
  sid?: string;
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
  return async (token) => {
    const bare = token.replace(/^Bearer\s+/i, '').trim();
    try {
      const { payload } = await jwtVerify(bare, jwks, {
        issuer: opts.issuer,
        audience: opts.audience,
        algorithms: ['ES256'],
        clockTolerance: opts.clockTolerance ?? 30,
        requiredClaims: ['sub', 'exp', 'iat', 'jti'],
      });
      if (webOnly && payload.token_use !== 'web') throw new TokenVerificationError('not a website token');
      return payload as ScanloginClaims;
    } catch (err) {
      if (err instanceof TokenVerificationError) throw err;
      throw new TokenVerificationError('invalid token', { cause: err });
    }
  };
}
