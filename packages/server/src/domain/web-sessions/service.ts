import { createHash } from 'node:crypto';
import type { Lang } from '@scanlogin/protocol';
import type { Clock } from '../clock.js';
import type { DirectoryService } from '../directory/service.js';
import { fail } from '../errors.js';
import type { CountryLookup } from '../geo.js';
import { detail, words } from '../messages.js';
import type { AppRecord, RequestContext, WebSessionRecord, WebSessionStore } from '../ports.js';
import { ConflictError } from '../ports.js';
import { describeRequest, type RequestDescription } from '../qr-login/request-description.js';
import type { TokenClaims } from '../tokens/tokens.js';

/** A web session as the user's app lists it: which site, from where, since when. */
export interface WebSessionView extends RequestDescription {
  id: string;
  app: { id: string; name: string };
  createdAt: string;
  expiresAt: string;
}

export interface NewWebSession {
  poolId: string;
  userId: string;
  app: AppRecord;
  /** The public id of the QR code the login came from. */
  random: string;
  /** The ticket of that login: the session id is derived from it (see `webSessionId`). */
  ticket: string;
  requestContext: RequestContext | null;
}

/**
 * A login's web session id, derived from its ticket: the same login always
 * yields the same session (a page reading the full user on every `check` must
 * not open a new session each time), and since the ticket is a secret that is
 * never stored beside the id, the id reveals nothing about it.
 */
export function webSessionId(ticket: string): string {
  return `ws_${createHash('sha256').update(ticket).digest('base64url').slice(0, 32)}`;
}

/**
 * The websites' sessions born of QR logins. Each has its own lifetime (the
 * web token's), the user lists and revokes them from the phone, and a web
 * token is only valid while its session is (see SessionTokens): revocation
 * takes effect on the next validation, on every instance, because the check
 * reads shared storage.
 */
export class WebSessionService {
  constructor(
    private readonly store: WebSessionStore,
    private readonly directory: DirectoryService,
    private readonly clock: Clock,
    private readonly lifetimeMs: number,
    private readonly geo: CountryLookup | null = null,
  ) {}

  /** Opens the session of one approved login (idempotent); returns its id. */
  async open(input: NewWebSession): Promise<WebSessionRecord> {
    const now = this.clock.now();
    const record: WebSessionRecord = {
      id: webSessionId(input.ticket),
      poolId: input.poolId,
      userId: input.userId,
      appId: input.app.id,
      random: input.random,
      createdAt: now,
      expiresAt: now + this.lifetimeMs,
      revokedAt: null,
      requestContext: input.requestContext,
    };
    try {
      await this.store.insert(record);
      return record;
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      return (await this.store.get(record.id)) ?? record;
    }
  }

  /**
   * Refuses (INVALID_TOKEN) a website's token whose web session is not live:
   * revoked, expired, someone else's, or missing.
   */
  async requireLive(claims: TokenClaims): Promise<void> {
    const session = claims.sid ? await this.store.get(claims.sid) : null;
    if (
      !session ||
      session.revokedAt !== null ||
      session.expiresAt <= this.clock.now() ||
      session.userId !== claims.sub
    ) {
      fail('INVALID_TOKEN', detail('sessionRevoked'));
    }
  }

  /** Ends the web session of a website token's claims (its logout); false if it was not live. */
  end(claims: TokenClaims): Promise<boolean> {
    return claims.sid ? this.store.revoke(claims.sid, claims.sub, this.clock.now()) : Promise.resolve(false);
  }

  /** The user's live web sessions, places and missing applications named in `lang`. */
  async list(userId: string, lang: Lang = 'en-US'): Promise<WebSessionView[]> {
    const live = await this.store.listLive(userId, this.clock.now());
    const views: WebSessionView[] = [];
    for (const w of live) {
      const app = await this.directory.getApp(w.appId);
      views.push({
        id: w.id,
        app: { id: w.appId, name: app?.name ?? words.deletedApp[lang] },
        ...describeRequest(w.requestContext, this.geo, lang),
        createdAt: new Date(w.createdAt).toISOString(),
        expiresAt: new Date(w.expiresAt).toISOString(),
      });
    }
    return views;
  }

  async revoke(userId: string, id: string): Promise<void> {
    if (!(await this.store.revoke(id, userId, this.clock.now()))) fail('WEB_SESSION_NOT_FOUND');
  }

  revokeAll(userId: string): Promise<number> {
    return this.store.revokeAll(userId, this.clock.now());
  }

  deleteExpired(): Promise<number> {
    return this.store.deleteExpired(this.clock.now());
  }
}
