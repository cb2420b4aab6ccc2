/**
 * What the QR login needs from storage: the hot sessions with their atomic
 * transitions, the fan-out of their changes, and the durable audit log.
 */
import type { StoredStatus } from './state-machine.js';

/** What the service observed about the browser that asked for a code (shown on the confirm screen). */
export interface RequestContext {
  ip: string;
  /** The Origin header of the page, when a browser sent one. */
  origin: string | null;
  /** Raw User-Agent (as reported by the browser; not verified). */
  userAgent: string | null;
}

export interface QrSessionRecord {
  /** The session's key, known to the page that asked. */
  random: string;
  /**
   * The id printed in the QR code, which phones act on. Equal to `random`
   * unless the page asked for rotation: then it changes on the pool's
   * schedule, old ids stop resolving, and `random` never leaves the page.
   */
  publicId: string;
  /** When the current `publicId` can no longer be scanned; null: as long as the code lives. */
  publicIdExpiresAt: number | null;
  appId: string;
  poolId: string;
  status: StoredStatus;
  createdAt: number;
  expiresAt: number;
  /** The payload's `customData`. */
  customData: Record<string, unknown> | null;
  /** The user who scanned, once scanned. */
  userId: string | null;
  ticket: string | null;
  ticketExpiresAt: number | null;
  ticketUsed: boolean;
  /** Bumped by every transition; orders pushed events. */
  seq: number;
  requestContext: RequestContext | null;
  /** The number the page shows, when the pool asks for a check code. */
  checkCode: number | null;
  /** The three numbers the phone offers (one is `checkCode`), fixed per code so retries leak nothing. */
  checkChoices: number[] | null;
  /** SHA-256 (hex) of the binding secret held by the browser that asked. */
  bindingHash: string | null;
}

export interface TransitionRequest {
  /** The statuses the change may start from (one or more). */
  from: StoredStatus | readonly StoredStatus[];
  to: StoredStatus;
  now: number;
  /** The compare-and-set also requires `userId` to equal this (scanner-only actions). */
  expectUserId?: string;
  /**
   * The check code the caller presented, null for none. When this key is
   * present, the compare-and-set also requires the stored `checkCode` to be
   * null or equal to it, so no interleaving approves a code unchecked.
   */
  checkCode?: number | null;
  /** Fields written together with the status. */
  set?: Partial<Pick<QrSessionRecord, 'userId' | 'ticket' | 'ticketExpiresAt'>>;
}

export interface PublicIdRotation {
  publicId: string;
  publicIdExpiresAt: number;
  now: number;
}

/** What one sweep of expired sessions did. */
export interface SweepResult {
  /** Sessions removed. */
  removed: number;
  /** Of the removed, codes that expired undecided (nobody approved or refused them in time). */
  expiredUndecided: number;
}

export interface ConsumedTicket {
  random: string;
  appId: string;
  poolId: string;
  userId: string;
}

/** Hot, short-lived QR login state. */
export interface QrSessionStore {
  createSession(session: QrSessionRecord): Promise<void>;
  getSession(random: string): Promise<QrSessionRecord | null>;
  /** The session whose current public id this is; a rotated-away id finds nothing. */
  findByPublicId(publicId: string): Promise<QrSessionRecord | null>;
  /**
   * Atomically gives a pending, unexpired code a new public id (the old one
   * stops resolving at once). Returns the new record, or null if the code is
   * no longer pending at `now`.
   */
  rotatePublicId(random: string, next: PublicIdRotation): Promise<QrSessionRecord | null>;
  /**
   * Atomic compare-and-set: applies the change only if the stored status is
   * `from`, the code has not expired at `now`, (if given) the scanner is
   * `expectUserId`, and (if given) `checkCode` matches the stored check code.
   * Returns the new record, or null if nothing changed.
   */
  transition(random: string, req: TransitionRequest): Promise<QrSessionRecord | null>;
  /** Which app a live, unused ticket belongs to (no side effect). */
  peekTicket(ticket: string, now: number): Promise<{ appId: string; random: string } | null>;
  /** Atomic single use: exactly one caller gets the record for a live ticket of `appId`. */
  consumeTicket(ticket: string, appId: string, now: number): Promise<ConsumedTicket | null>;
  /**
   * Removes sessions that nobody can use any more. Says how many, and how
   * many of them ran out while still waiting for a scan or a decision (status
   * 0, 1 or 4): each such code is counted by exactly one sweep, whichever
   * instance runs it.
   */
  deleteExpired(now: number): Promise<SweepResult>;
  /** How many codes wait for a scan or a decision (status 0, 1 or 4) and have not expired at `now`. */
  countWaiting(now: number): Promise<number>;
  /**
   * Optional fast path for polling, the hottest read: if this process knows
   * from memory that the code is still waiting untouched (status 0, seq 0)
   * at `now`, its expiry; otherwise `undefined`, and the caller reads the
   * record. Only a store that sees every write to its sessions may offer it.
   */
  waitingUntil?(random: string, now: number): number | undefined;
}

/** A status change of a QR session, fanned out to whoever waits on it. */
export type SessionListener = (session: QrSessionRecord) => void;

/** Pub/sub of session changes: in-process for one instance, Redis for many. */
export interface SessionEvents {
  publish(session: QrSessionRecord): void;
  subscribe(random: string, listener: SessionListener): () => void;
}

export type QrLoginOutcome = 'approved' | 'denied' | 'redeemed';

/** One line of the QR login audit log: who approved or refused what, seen from where. */
export interface AuditRecord {
  id: string;
  at: number;
  poolId: string;
  userId: string;
  appId: string;
  /** The QR code's id (public, never a secret once the code is used). */
  random: string;
  outcome: QrLoginOutcome;
  requestContext: RequestContext | null;
  /** The phone's IP address at the decision. */
  deviceIp: string | null;
}

/** Append-only audit log of QR logins; durable, so it lives beside the directory. */
export interface AuditStore {
  append(record: AuditRecord): Promise<void>;
  /** Newest first. */
  listByUser(userId: string, limit: number): Promise<AuditRecord[]>;
  /** Newest first, optionally before a time (paging). */
  listByPool(poolId: string, limit: number, before?: number): Promise<AuditRecord[]>;
}
