import type { AppSessionService } from './app-sessions/service.js';
import { ServiceError } from './errors.js';
import type { TokenClaims, TokenService } from './tokens/tokens.js';
import type { WebSessionService } from './web-sessions/service.js';

/**
 * The one check of a presented token, for every caller that accepts one (the
 * app calls, token validation, logout): its signature and claims
 * (TokenService), then its session. A website's token is good only while its
 * web session is, an app token while its app session is; both are read from
 * shared storage on every check, so an ended session's token is refused from
 * the next call on, on every instance.
 */
export class SessionTokens {
  constructor(
    private readonly tokens: TokenService,
    private readonly webSessions: WebSessionService,
    private readonly appSessions: AppSessionService,
  ) {}

  /** The claims of a token that is good now; INVALID_TOKEN otherwise. */
  async verify(token: string): Promise<TokenClaims> {
    const claims = await this.tokens.verify(token);
    if (claims.token_use === 'web') await this.webSessions.requireLive(claims);
    else await this.appSessions.requireLive(claims);
    return claims;
  }

  /** The claims of a token the service signed and that has not expired (its session unchecked), or null. */
  async signedClaims(token: string): Promise<TokenClaims | null> {
    try {
      return await this.tokens.verify(token);
    } catch (err) {
      if (err instanceof ServiceError) return null;
      throw err;
    }
  }

  /** Ends the session the claims belong to (logout); false when it was not live. */
  end(claims: TokenClaims): Promise<boolean> {
    return claims.token_use === 'web' ? this.webSessions.end(claims) : this.appSessions.end(claims);
  }

  /**
   * Ends every session of a user (an admin's remedy for a stolen phone or a
   * taken-over account): the devices first, which also withdraws the
   * approvals they gave that no website has redeemed, then the websites.
   */
  async endAll(userId: string): Promise<{ revoked: number; appSessions: number; webSessions: number }> {
    const appSessions = await this.appSessions.revokeAll(userId);
    const webSessions = await this.webSessions.revokeAll(userId);
    return { revoked: appSessions + webSessions, appSessions, webSessions };
  }
}
