/** What app sessions need from storage. */
import type { RequestContext } from '../qr-login/ports.js';

/**
 * A password login on a device (the phone's app, or a page using
 * authing-js-sdk's own login): the app token's `sid`. The user lists and
 * ends them; an ended session's token is refused at once by every app call
 * and by token validation, and approvals it gave that no website has
 * redeemed yet are withdrawn.
 */
export interface AppSessionRecord {
  id: string;
  poolId: string;
  userId: string;
  /** The application named at sign-in (`x-authing-app-id`); null when only the pool was. */
  appId: string | null;
  createdAt: number;
  expiresAt: number;
  revokedAt: number | null;
  /** The sign-in request: address, origin, User-Agent (what the device list shows). */
  requestContext: RequestContext | null;
}

/**
 * Durable, beside the web sessions: a token's session must be checkable on
 * every app call by every instance.
 */
export interface AppSessionStore {
  insert(session: AppSessionRecord): Promise<void>;
  get(id: string): Promise<AppSessionRecord | null>;
  /** The user's sessions neither revoked nor expired at `now`, newest first. */
  listLive(userId: string, now: number): Promise<AppSessionRecord[]>;
  /** Revokes one live session of the user; false if there is none such. */
  revoke(id: string, userId: string, at: number): Promise<boolean>;
  /** Revokes every live session of the user; returns how many. */
  revokeAll(userId: string, at: number): Promise<number>;
  /** Forgets sessions expired before `now`; returns how many. */
  deleteExpired(now: number): Promise<number>;
}
