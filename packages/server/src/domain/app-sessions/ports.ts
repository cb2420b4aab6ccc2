/** What app sessions need from storage. */

import type { RequestContext } from '../qr-login/ports.js';
import type { SessionStore } from '../session-store.js';

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
export type AppSessionStore = SessionStore<AppSessionRecord>;
