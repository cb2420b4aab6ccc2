/** What web sessions need from storage. */
import type { RequestContext } from '../qr-login/ports.js';

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
export interface WebSessionStore {
  insert(session: WebSessionRecord): Promise<void>;
  get(id: string): Promise<WebSessionRecord | null>;
  /** The user's sessions neither revoked nor expired at `now`, newest first. */
  listLive(userId: string, now: number): Promise<WebSessionRecord[]>;
  /** Revokes one live session of the user; false if there is none such. */
  revoke(id: string, userId: string, at: number): Promise<boolean>;
  /** Revokes every live session of the user; returns how many. */
  revokeAll(userId: string, at: number): Promise<number>;
  /** Forgets sessions expired before `now`; returns how many. */
  deleteExpired(now: number): Promise<number>;
}
