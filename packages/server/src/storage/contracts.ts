/**
 * Storage contracts. Each is small and named for what the domain does with it,
 * so an adapter (SQLite, memory, later PostgreSQL + Redis) is a short file and
 * one conformance suite (`conformance.ts`) tells whether it is right.
 *
 * Durable data (directory, keys) and hot short-lived data (QR sessions,
 * counters, events) are separate contracts because they scale differently:
 * the embedded adapter serves both from one SQLite file, a cluster puts the
 * hot half in Redis.
 */
import type { StoredStatus } from '../domain/qr-login/state-machine.js';
import type { OidcArtifactStore } from '../oidc/artifacts.js';

export interface QrSettings {
  /** Seconds a code lives. */
  qrcodeExpiresAfter: number;
  /** Seconds a ticket lives after approval. */
  ticketExpiresAfter: number;
  /** `check` returns the whole user with a token at status 2. */
  returnFullUserInfo: boolean;
  /** The ticket may be redeemed from a browser without the app secret. */
  allowExchangeUserInfoFromBrowser: boolean;
}

export const DEFAULT_QR_SETTINGS: Readonly<QrSettings> = Object.freeze({
  qrcodeExpiresAfter: 120,
  ticketExpiresAfter: 300,
  returnFullUserInfo: false,
  allowExchangeUserInfoFromBrowser: false,
});

/** What a pool does when the phone and the requesting browser seem far apart. */
export type ProximityPolicy = 'allow' | 'warn' | 'step-up' | 'deny';

/** A pool's defences against QR login phishing (docs/security.md). */
export interface PoolSecurity {
  /** On a place/network mismatch between phone and browser. */
  proximityPolicy: ProximityPolicy;
  /** The page shows a two-digit number the user must pick on the phone before approving. */
  checkCode: boolean;
  /** The ticket is shown only to the browser holding the code's binding secret. */
  requireBinding: boolean;
  /**
   * Seconds each public id of a waiting code lives before the page must
   * rotate it (0: never). Only pages that ask for rotation get it (our SDK
   * does); the stock SDK shows a static image and keeps one id.
   */
  rotateQrEvery: number;
}

export const DEFAULT_POOL_SECURITY: Readonly<PoolSecurity> = Object.freeze({
  proximityPolicy: 'warn',
  checkCode: false,
  requireBinding: true,
  rotateQrEvery: 30,
});

export interface PoolRecord {
  id: string;
  name: string;
  security: PoolSecurity;
  /** RSA key the mobile SDKs encrypt passwords with (PEM). */
  rsaPublicKey: string;
  rsaPrivateKey: string;
  createdAt: number;
}

export interface AppRecord {
  id: string;
  poolId: string;
  name: string;
  logo: string | null;
  /** SHA-256 (hex) of the secret; the secret itself is shown once at creation. */
  secretHash: string;
  allowedOrigins: string[];
  qr: QrSettings;
  createdAt: number;
}

export interface UserRecord {
  id: string;
  poolId: string;
  username: string | null;
  email: string | null;
  phone: string | null;
  /** argon2id PHC string, or null for users who cannot log in with a password. */
  passwordHash: string | null;
  nickname: string | null;
  photo: string | null;
  blocked: boolean;
  customData: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
}

export type UserPatch = Partial<
  Pick<
    UserRecord,
    'username' | 'email' | 'phone' | 'passwordHash' | 'nickname' | 'photo' | 'blocked' | 'customData'
  >
>;
export type AppPatch = Partial<Pick<AppRecord, 'name' | 'logo' | 'allowedOrigins' | 'qr' | 'secretHash'>>;

/** Keys of the directory's meta table. */
export const META = {
  /** The pool used when a request names none. */
  defaultPoolId: 'defaultPoolId',
  /** SHA-256 (hex) of the admin credential. */
  adminTokenHash: 'adminTokenHash',
  /** Claimed by the one instance that seeds a new installation, so several starting at once seed once. */
  firstStartClaim: 'firstStartClaim',
} as const;

/** Pools, applications and users. Unique fields clash with `ConflictError`. */
export interface DirectoryStore {
  insertPool(pool: PoolRecord): Promise<void>;
  getPool(id: string): Promise<PoolRecord | null>;
  listPools(): Promise<PoolRecord[]>;
  updatePool(id: string, patch: Partial<Pick<PoolRecord, 'name' | 'security'>>): Promise<PoolRecord | null>;

  insertApp(app: AppRecord): Promise<void>;
  getApp(id: string): Promise<AppRecord | null>;
  listApps(poolId?: string): Promise<AppRecord[]>;
  updateApp(id: string, patch: AppPatch): Promise<AppRecord | null>;
  deleteApp(id: string): Promise<boolean>;
  /** Whether any application allows this web origin (answers CORS preflights). */
  isOriginAllowedByAnyApp(origin: string): Promise<boolean>;

  insertUser(user: UserRecord): Promise<void>;
  getUser(id: string): Promise<UserRecord | null>;
  /** Finds a user of the pool by username, email or phone (exact match). */
  findUserByAccount(poolId: string, account: string): Promise<UserRecord | null>;
  listUsers(poolId: string, opts?: { limit?: number; offset?: number }): Promise<UserRecord[]>;
  updateUser(id: string, patch: UserPatch, now: number): Promise<UserRecord | null>;
  deleteUser(id: string): Promise<boolean>;

  /** A small key/value table for service-wide facts (the admin credential's hash...). */
  getMeta(key: string): Promise<string | null>;
  setMeta(key: string, value: string): Promise<void>;
  /** Sets the value only if the key has none; true if this call set it (one winner among instances). */
  claimMeta(key: string, value: string): Promise<boolean>;
}

/** Raised by `insert*`/`update*` when a unique field is taken. */
export class ConflictError extends Error {
  constructor(readonly field: string) {
    super(`${field} is already taken`);
    this.name = 'ConflictError';
  }
}

export interface SigningKeyRecord {
  kid: string;
  alg: 'ES256';
  /** JWK of the private key, as JSON text. */
  privateJwk: string;
  publicJwk: string;
  createdAt: number;
  /** Set when a newer key took over signing; still published until tokens it signed expire. */
  retiredAt: number | null;
}

/** Token signing keys, shared by every instance. */
export interface KeyStore {
  listKeys(): Promise<SigningKeyRecord[]>;
  insertKey(key: SigningKeyRecord): Promise<void>;
  retireKey(kid: string, at: number): Promise<void>;
  deleteKey(kid: string): Promise<void>;
}

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
  /** Fields written together with the status. */
  set?: Partial<Pick<QrSessionRecord, 'userId' | 'ticket' | 'ticketExpiresAt'>>;
}

export interface PublicIdRotation {
  publicId: string;
  publicIdExpiresAt: number;
  now: number;
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
   * `from`, the code has not expired at `now`, and (if given) the scanner is
   * `expectUserId`. Returns the new record, or null if nothing changed.
   */
  transition(random: string, req: TransitionRequest): Promise<QrSessionRecord | null>;
  /** Which app a live, unused ticket belongs to (no side effect). */
  peekTicket(ticket: string, now: number): Promise<{ appId: string; random: string } | null>;
  /** Atomic single use: exactly one caller gets the record for a live ticket of `appId`. */
  consumeTicket(ticket: string, appId: string, now: number): Promise<ConsumedTicket | null>;
  /** Removes sessions that nobody can use any more; returns how many. */
  deleteExpired(now: number): Promise<number>;
  /**
   * Optional fast path for polling, the hottest read: if this process knows
   * from memory that the code is still waiting untouched (status 0, seq 0)
   * at `now`, its expiry; otherwise `undefined`, and the caller reads the
   * record. Only a store that sees every write to its sessions may offer it.
   */
  waitingUntil?(random: string, now: number): number | undefined;
}

export interface CounterState {
  count: number;
  /** When the current window ends and the counter resets. */
  resetAt: number;
}

/** Fixed-window counters for throttling; shared so limits hold across instances. */
export interface CounterStore {
  /** Adds one and returns the state; a new window starts if the old one ended. */
  increment(key: string, windowMs: number, now: number): Promise<CounterState>;
  get(key: string, now: number): Promise<CounterState | null>;
  reset(key: string): Promise<void>;
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

/** Everything a running service needs from storage. */
export interface Storage {
  directory: DirectoryStore;
  keys: KeyStore;
  sessions: QrSessionStore;
  counters: CounterStore;
  events: SessionEvents;
  audit: AuditStore;
  webSessions: WebSessionStore;
  /** What the OpenID provider keeps (../oidc/artifacts.ts). */
  oidc: OidcArtifactStore;
  /** Reports whether the backends answer (for /health). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
