import { randomBytes } from 'node:crypto';
import type { Lang } from '@scanlogin/protocol';
import type { Clock } from '../clock.js';
import type { DirectoryService } from '../directory/service.js';
import { type UserWithTokenView, userView } from '../directory/views.js';
import { fail } from '../errors.js';
import type { CountryLookup } from '../geo.js';
import { detail, words } from '../messages.js';
import type {
  AccountKind,
  AppSessionRecord,
  AppSessionStore,
  PoolRecord,
  RequestContext,
  UserRecord,
} from '../ports.js';
import { describeRequest, type RequestDescription } from '../qr-login/request-description.js';
import type { RateLimiter } from '../rate-limit.js';
import type { TokenClaims, TokenService } from '../tokens/tokens.js';

/** An app session as the user's device list shows it: which app, from where, since when. */
export interface AppSessionView extends RequestDescription {
  id: string;
  /** The session of the token that asked ("this phone"). */
  current: boolean;
  app: { id: string; name: string } | null;
  createdAt: string;
  expiresAt: string;
}

/** One password login, from whichever wire it came (the app's JSON, authing-js-sdk's GraphQL). */
export interface PasswordLogin {
  pool: PoolRecord;
  /** The application named by the request; null when it named only the pool. */
  appId: string | null;
  account: string;
  /** Which name `account` is; `any` lets a username, an e-mail or a phone number match. */
  accountKind?: AccountKind;
  /** Plain, or RSA-encrypted with the pool's key. */
  password: string;
  ip: string;
  /** The sign-in request as the device list will show it. */
  requestContext: RequestContext | null;
}

export interface AppSessionOptions {
  /** How long a session (and its token) lives: the app token's lifetime. */
  lifetimeMs: number;
  /** Login attempts one address may make per minute, before anything else is looked at. */
  loginsPerIpPerMinute: number;
}

/** A session id: 192 random bits, so ids can be neither guessed nor enumerated. */
export function newAppSessionId(): string {
  return `as_${randomBytes(24).toString('base64url')}`;
}

/**
 * The devices a user signed in on with a password: every app token belongs
 * to one session (its `sid`), opened by the login that minted it. A token is
 * good only while its session is (see SessionTokens), so ending a session
 * (the user's logout, the device list, an admin) refuses its token from the
 * next call on, on every instance: the check reads shared storage. Approvals
 * a session gave that no website has redeemed yet are withdrawn with it
 * (QrLoginService asks `isLive` at redemption).
 */
export class AppSessionService {
  constructor(
    private readonly store: AppSessionStore,
    private readonly directory: DirectoryService,
    private readonly tokens: TokenService,
    private readonly limiter: RateLimiter,
    private readonly clock: Clock,
    private readonly opts: AppSessionOptions,
    private readonly geo: CountryLookup | null = null,
  ) {}

  /**
   * The password login use case, the same for every wire that offers it: the
   * per-address rate, the password budgets and check (DirectoryService.authenticate,
   * which counts before it checks and decrypts RSA without a padding oracle),
   * then a token of a new session for a user who may hold one
   * (TokenService.issue refuses a blocked user, and then no session is opened).
   */
  async passwordLogin(input: PasswordLogin): Promise<UserWithTokenView> {
    await this.limiter.hit(`login:ip:${input.ip}`, this.opts.loginsPerIpPerMinute, 60_000);
    const user = await this.directory.authenticate({
      poolId: input.pool.id,
      account: input.account,
      password: input.password,
      ip: input.ip,
      kind: input.accountKind ?? 'any',
    });
    const issued = await this.tokens.issue({
      user,
      audience: input.appId ?? input.pool.id,
      use: 'app',
      session: () => this.#open(user, input.appId, input.requestContext),
    });
    return userView(user, { token: issued.token, exp: issued.claims.exp });
  }

  async #open(
    user: UserRecord,
    appId: string | null,
    requestContext: RequestContext | null,
  ): Promise<AppSessionRecord> {
    const now = this.clock.now();
    const session: AppSessionRecord = {
      id: newAppSessionId(),
      poolId: user.poolId,
      userId: user.id,
      appId,
      createdAt: now,
      expiresAt: now + this.opts.lifetimeMs,
      revokedAt: null,
      requestContext,
    };
    await this.store.insert(session);
    return session;
  }

  /**
   * Refuses (INVALID_TOKEN) an app token whose session is not live: ended,
   * expired, someone else's, or none at all. App tokens issued before app
   * sessions existed carry no `sid`; they are refused too, so that every app
   * token that works can be ended (their holders sign in again once).
   */
  async requireLive(claims: TokenClaims): Promise<AppSessionRecord> {
    if (!claims.sid) {
      return fail('INVALID_TOKEN', detail('appTokenBeforeSessions'));
    }
    const session = await this.store.get(claims.sid);
    if (!session || !this.#live(session) || session.userId !== claims.sub) {
      return fail('INVALID_TOKEN', detail('appSessionEnded'));
    }
    return session;
  }

  /** Whether the session `id` is live (an approval it gave still stands). */
  async isLive(id: string): Promise<boolean> {
    const session = await this.store.get(id);
    return session !== null && this.#live(session);
  }

  #live(s: AppSessionRecord): boolean {
    return s.revokedAt === null && s.expiresAt > this.clock.now();
  }

  /** Ends the session of an app token's claims (logout); false if it was not live. */
  end(claims: TokenClaims): Promise<boolean> {
    return claims.sid ? this.store.revoke(claims.sid, claims.sub, this.clock.now()) : Promise.resolve(false);
  }

  /**
   * The user's live sessions, newest first, places and missing applications named in `lang`;
   * `currentId` is marked as the caller's own.
   */
  async list(
    userId: string,
    currentId: string | null = null,
    lang: Lang = 'en-US',
  ): Promise<AppSessionView[]> {
    const live = await this.store.listLive(userId, this.clock.now());
    const views: AppSessionView[] = [];
    for (const a of live) {
      const app = a.appId ? await this.directory.getApp(a.appId) : null;
      views.push({
        id: a.id,
        current: a.id === currentId,
        app: a.appId ? { id: a.appId, name: app?.name ?? words.deletedApp[lang] } : null,
        ...describeRequest(a.requestContext, this.geo, lang),
        createdAt: new Date(a.createdAt).toISOString(),
        expiresAt: new Date(a.expiresAt).toISOString(),
      });
    }
    return views;
  }

  async revoke(userId: string, id: string): Promise<void> {
    if (!(await this.store.revoke(id, userId, this.clock.now()))) fail('APP_SESSION_NOT_FOUND');
  }

  revokeAll(userId: string): Promise<number> {
    return this.store.revokeAll(userId, this.clock.now());
  }

  deleteExpired(): Promise<number> {
    return this.store.deleteExpired(this.clock.now());
  }
}
