/**
 * What the directory (pools, applications, users) needs from storage: its
 * records and the store an adapter implements. Owned here, beside the
 * service that uses it; adapters import it, never the other way round.
 */
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

/**
 * Pools, applications and users. Unique fields clash with `ConflictError`.
 * Usernames are unique per pool and found whatever their case (two names with
 * the same `usernameKey` are one name); they are kept as they were written.
 */
/** Which of a user's names a login typed: any of them, or one that the client named. */
export type AccountKind = 'any' | 'username' | 'email' | 'phone';

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
  /**
   * Finds a user of the pool by username (by its `usernameKey`), else email,
   * else phone (exact matches); `kind` restricts the search to one of them.
   */
  findUserByAccount(poolId: string, account: string, kind?: AccountKind): Promise<UserRecord | null>;
  listUsers(poolId: string, opts?: { limit?: number; offset?: number }): Promise<UserRecord[]>;
  updateUser(id: string, patch: UserPatch, now: number): Promise<UserRecord | null>;
  deleteUser(id: string): Promise<boolean>;

  /** Replaces a pool's stored private key if it still is `expected` (re-encryption); true if it did. */
  swapPoolPrivateKey(id: string, expected: string, next: string): Promise<boolean>;

  /** A small key/value table for service-wide facts (the admin credential's hash...). */
  getMeta(key: string): Promise<string | null>;
  setMeta(key: string, value: string): Promise<void>;
  /** Sets the value only if the key has none; true if this call set it (one winner among instances). */
  claimMeta(key: string, value: string): Promise<boolean>;
}
