/**
 * What both kinds of revocable session need from storage: a website's web
 * sessions (domain/web-sessions) and the phone's app sessions
 * (domain/app-sessions) live the same life over records of their own, so
 * one port serves both and each adapter writes its queries once.
 */

/** The fields the store's queries read; each kind adds its own. */
export interface RevocableSession {
  id: string;
  userId: string;
  createdAt: number;
  expiresAt: number;
  revokedAt: number | null;
}

export interface SessionStore<R extends RevocableSession> {
  /** Throws ConflictError when the id is taken. */
  insert(session: R): Promise<void>;
  get(id: string): Promise<R | null>;
  /** The user's sessions neither revoked nor expired at `now`, newest first. */
  listLive(userId: string, now: number): Promise<R[]>;
  /** Revokes one live session of the user; false if there is none such. */
  revoke(id: string, userId: string, at: number): Promise<boolean>;
  /** Revokes every live session of the user; returns how many. */
  revokeAll(userId: string, at: number): Promise<number>;
  /** Forgets sessions expired before `now`; returns how many. */
  deleteExpired(now: number): Promise<number>;
}
