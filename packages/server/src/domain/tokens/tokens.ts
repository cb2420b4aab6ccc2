import { createHash, randomUUID } from 'node:crypto';
import type { TokenClaims as ProtocolTokenClaims } from '@scanlogin/protocol';
import { QR_SIGNATURE_TYPE } from '@scanlogin/protocol';
import type { Clock } from '../clock.js';
import { fail } from '../errors.js';
import type { UserRecord } from '../ports.js';
import { decodeJwt, verifySignature } from './jwt.js';
import type { KeyRing } from './keys.js';

/**
 * What a token is for. `app` tokens come from a password login in the user's
 * own app and may drive QR approvals; `web` tokens are minted for a website
 * when it redeems a ticket, so a website never holds the phone's credential
 * and cannot use its token to approve further QR logins.
 */
export type TokenUse = 'app' | 'web';

/** The claims of the service's tokens: the protocol's `TokenClaims`, as validation returns them. */
export type TokenClaims = ProtocolTokenClaims;

export interface IssuedToken {
  token: string;
  claims: TokenClaims;
}

export interface TokenServiceOptions {
  issuer: string;
  appTokenTtlSeconds: number;
  webTokenTtlSeconds: number;
}

export class TokenService {
  constructor(
    private readonly keys: KeyRing,
    private readonly clock: Clock,
    private readonly opts: TokenServiceOptions,
  ) {}

  get issuer(): string {
    return this.opts.issuer;
  }

  /**
   * Mints a token for `user`: the one place that decides whether a user may
   * hold a token at all, for every path that issues one (the app's password
   * login, a ticket's redemption, the full user a `check` returns with
   * `returnFullUserInfo`). A blocked user gets none. `session` opens the web
   * session the token belongs to, once the user has passed, so that a refused
   * user leaves no session behind; the token ends no later than it.
   */
  async issue(input: {
    user: Pick<UserRecord, 'id' | 'poolId' | 'blocked'>;
    audience: string;
    use: TokenUse;
    session?: () => Promise<{ id: string; expiresAt: number }>;
    /** A website token's `custom_data` claim: the QR code's custom data, when its page asked for it back. */
    customData?: Record<string, unknown> | null;
  }): Promise<IssuedToken> {
    if (input.user.blocked) fail('USER_BLOCKED');
    const session = await input.session?.();
    const iat = Math.floor(this.clock.now() / 1000);
    const ttl = input.use === 'app' ? this.opts.appTokenTtlSeconds : this.opts.webTokenTtlSeconds;
    const cap = session ? Math.floor(session.expiresAt / 1000) : Number.POSITIVE_INFINITY;
    const claims: TokenClaims = {
      iss: this.opts.issuer,
      sub: input.user.id,
      aud: input.audience,
      iat,
      exp: Math.min(iat + ttl, cap),
      jti: randomUUID(),
      userpool_id: input.user.poolId,
      token_use: input.use,
      amr: input.use === 'app' ? ['pwd'] : ['qr'],
      ...(session ? { sid: session.id } : {}),
      ...(input.customData ? { custom_data: input.customData } : {}),
    };
    return { token: this.keys.signer.sign(claims as unknown as Record<string, unknown>), claims };
  }

  /**
   * Signs a login code for the app to check before its confirm screen (`sig`
   * in the QR payload): its public id, pool and expiry, which verifiers of
   * the first edition check, and `dig`, the SHA-256 of the whole payload as
   * written before the signature is appended, so that no field the app shows
   * or acts on (scene, ids, times, customData) can be altered. Short claim
   * names keep the QR small; the `typ` keeps it from ever passing as a token.
   */
  signQrCode(input: {
    publicId: string;
    poolId: string;
    expiresAt: number;
    unsignedPayload: string;
  }): string {
    const claims = {
      sub: input.publicId,
      aud: input.poolId,
      exp: Math.ceil(input.expiresAt / 1000),
      dig: createHash('sha256').update(input.unsignedPayload).digest('base64url'),
    };
    return this.keys.signer.sign(claims, QR_SIGNATURE_TYPE);
  }

  /** Verifies signature, issuer, expiry and shape. Throws INVALID_TOKEN otherwise. */
  async verify(token: string): Promise<TokenClaims> {
    const decoded = decodeJwt(token);
    if (
      decoded?.header.alg !== 'ES256' ||
      typeof decoded.header.kid !== 'string' ||
      (decoded.header.typ !== undefined && decoded.header.typ !== 'JWT')
    ) {
      return fail('INVALID_TOKEN');
    }
    const key = await this.keys.publicKey(decoded.header.kid);
    if (!key || !verifySignature(decoded, key)) return fail('INVALID_TOKEN');
    const c = decoded.claims;
    const now = Math.floor(this.clock.now() / 1000);
    if (
      c.iss !== this.opts.issuer ||
      typeof c.sub !== 'string' ||
      typeof c.aud !== 'string' ||
      typeof c.exp !== 'number' ||
      typeof c.userpool_id !== 'string' ||
      (c.token_use !== 'app' && c.token_use !== 'web') ||
      c.exp <= now
    ) {
      return fail('INVALID_TOKEN');
    }
    return c as unknown as TokenClaims;
  }
}
