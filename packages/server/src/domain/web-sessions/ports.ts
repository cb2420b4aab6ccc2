/** What web sessions need from storage. */

import type { RequestContext } from '../qr-login/ports.js';
import type { SessionStore } from '../session-store.js';

/**
 * A website's session born of a QR login: its own id (the token's `sid`) and
 * lifetime, never the phone's. The user lists and revokes them from the app;
 * a revoked session's tokens fail validation at once.
 */
export interface WebSessionRecord {
  id: string;
  poolId: string;
  userId: string;
  appId: string;
  /** The public id of the QR code it was born of (for matching with the audit log). */
  random: string;
  createdAt: number;
  expiresAt: number;
  revokedAt: number | null;
  /** The browser that asked for the code (site, IP, User-Agent). */
  requestContext: RequestContext | null;
}

/** Durable: a token's session must be checkable on every request by every instance. */
export type WebSessionStore = SessionStore<WebSessionRecord>;
