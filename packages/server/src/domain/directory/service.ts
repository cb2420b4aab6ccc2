import { createHash, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../clock.js';
import { fail } from '../errors.js';
import { newAppSecret, newObjectId } from '../ids.js';
import { KeySealer, sealLabels } from '../key-sealing.js';
import { detail } from '../messages.js';
import {
  type AccountKind,
  type AppPatch,
  type AppRecord,
  ConflictError,
  type CounterStore,
  DEFAULT_POOL_SECURITY,
  DEFAULT_QR_SETTINGS,
  type DirectoryStore,
  type PoolRecord,
  type PoolSecurity,
  type QrSettings,
  type UserPatch,
  type UserRecord,
} from '../ports.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { decryptPassword, generatePoolRsaKey, looksRsaEncrypted } from './rsa.js';
import { usernameKey } from './usernames.js';

export const sha256Hex = (s: string): string => createHash('sha256').update(s).digest('hex');

/** Compares two strings in time that depends only on their lengths. */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export interface NewApp {
  poolId: string;
  name: string;
  logo?: string | null;
  allowedOrigins?: string[];
  qr?: Partial<QrSettings>;
}

export interface NewUser {
  poolId: string;
  username?: string | null;
  email?: string | null;
  phone?: string | null;
  password?: string | null;
  nickname?: string | null;
  photo?: string | null;
  blocked?: boolean;
  customData?: Record<string, unknown>;
}

/**
 * Budgets of password attempts, in fixed windows of `windowMs` (see
 * `authenticate` and docs/security.md, "Password guessing").
 */
export interface LoginThrottle {
  /** Attempts at one account from one address per window; past it, that address waits for the window's end. */
  accountFailures: number;
  /** Attempts at one account from all addresses together per window; past it, every address waits. */
  accountFailuresTotal: number;
  /** Failed logins from one address (any accounts) per window before it must wait. */
  ipFailures: number;
  windowMs: number;
}

export const DEFAULT_LOGIN_THROTTLE: LoginThrottle = {
  accountFailures: 5,
  accountFailuresTotal: 20,
  ipFailures: 50,
  windowMs: 15 * 60_000,
};

/**
 * A change in the directory that ends something elsewhere: an application
 * deleted, or a user who can no longer sign in (blocked or deleted). The QR
 * login stops the open codes that depended on it (status 5).
 */
export type DirectoryChange =
  | { kind: 'app-deleted'; appId: string }
  | { kind: 'user-unavailable'; userId: string };

/** Told of each {@link DirectoryChange}; the change's caller waits for it. */
export type DirectoryListener = (change: DirectoryChange) => Promise<unknown>;

/** Normalises a web origin as browsers send it; null if it is not one. */
export function normalizeOrigin(value: string): string | null {
  try {
    const u = new URL(value);
    if ((u.protocol !== 'http:' && u.protocol !== 'https:') || u.username || u.password) return null;
    if (u.pathname !== '/' || u.search || u.hash) return null;
    return u.origin;
  } catch {
    return null;
  }
}

/**
 * Pools, applications and users, and password login. Application lookups sit
 * on every request's path (CORS, generate, exchange), so they are cached for a
 * few seconds; a change made through another instance is seen within that.
 */
export class DirectoryService {
  readonly #appCache = new Map<string, { app: AppRecord | null; until: number }>();
  readonly #poolCache = new Map<string, { pool: PoolRecord | null; until: number }>();
  readonly #listeners: DirectoryListener[] = [];

  constructor(
    private readonly store: DirectoryStore,
    private readonly counters: CounterStore,
    private readonly clock: Clock,
    private readonly throttle: LoginThrottle = DEFAULT_LOGIN_THROTTLE,
    private readonly cacheMs = 5000,
    /** Encrypts the pools' RSA private keys before they are stored. */
    private readonly sealer: KeySealer = KeySealer.none,
  ) {}

  /**
   * Calls `listener` after each change that ends something elsewhere (see
   * {@link DirectoryChange}), once the change is stored; every way of making
   * the change (admin API, CLI) waits for the listeners, so its answer comes
   * after what they ended.
   */
  onChange(listener: DirectoryListener): void {
    this.#listeners.push(listener);
  }

  async #changed(change: DirectoryChange): Promise<void> {
    for (const listener of this.#listeners) await listener(change);
  }

  // Pools -------------------------------------------------------------------

  async createPool(name: string, security: Partial<PoolSecurity> = {}): Promise<PoolRecord> {
    const { publicKey, privateKey } = generatePoolRsaKey();
    const id = newObjectId(this.clock.now());
    const pool: PoolRecord = {
      id,
      name,
      security: { ...DEFAULT_POOL_SECURITY, ...security },
      rsaPublicKey: publicKey,
      rsaPrivateKey: this.sealer.seal(privateKey, sealLabels.poolRsaKey(id)),
      createdAt: this.clock.now(),
    };
    await this.store.insertPool(pool);
    return pool;
  }

  listPools(): Promise<PoolRecord[]> {
    return this.store.listPools();
  }

  /**
   * At start: every pool's RSA private key is opened (a wrong or missing
   * key-encryption key stops the start with SealedKeyError, rather than
   * failing logins later) and re-sealed if it is not in the form the sealer
   * writes now. Returns how many were re-sealed.
   */
  async resealPoolKeys(): Promise<number> {
    let resealed = 0;
    for (const pool of await this.store.listPools()) {
      const label = sealLabels.poolRsaKey(pool.id);
      const plain = this.sealer.open(pool.rsaPrivateKey, label);
      if (this.sealer.isCurrent(pool.rsaPrivateKey)) continue;
      if (await this.store.swapPoolPrivateKey(pool.id, pool.rsaPrivateKey, this.sealer.seal(plain, label))) {
        resealed++;
      }
    }
    return resealed;
  }

  async getPool(id: string): Promise<PoolRecord | null> {
    const now = this.clock.now();
    const hit = this.#poolCache.get(id);
    if (hit && hit.until > now) return hit.pool;
    const pool = await this.store.getPool(id);
    this.#poolCache.set(id, { pool, until: now + this.cacheMs });
    return pool;
  }

  async updatePool(
    id: string,
    patch: { name?: string; security?: Partial<PoolSecurity> },
  ): Promise<PoolRecord> {
    const current = (await this.store.getPool(id)) ?? fail('NOT_FOUND');
    const next: { name?: string; security: PoolSecurity } = {
      security: { ...current.security, ...patch.security },
    };
    if (patch.name) next.name = patch.name;
    const pool = (await this.store.updatePool(id, next)) ?? fail('NOT_FOUND');
    this.#poolCache.delete(id);
    return pool;
  }

  async requirePool(id: string): Promise<PoolRecord> {
    return (await this.getPool(id)) ?? fail('POOL_NOT_FOUND');
  }

  // Applications --------------------------------------------------------------

  /** Creates an application; the secret is returned here and never again. */
  async createApp(input: NewApp): Promise<{ app: AppRecord; secret: string }> {
    await this.requirePool(input.poolId);
    const secret = newAppSecret();
    const app: AppRecord = {
      id: newObjectId(this.clock.now()),
      poolId: input.poolId,
      name: input.name,
      logo: input.logo ?? null,
      secretHash: sha256Hex(secret),
      allowedOrigins: this.#origins(input.allowedOrigins ?? []),
      qr: { ...DEFAULT_QR_SETTINGS, ...input.qr },
      createdAt: this.clock.now(),
    };
    await this.store.insertApp(app);
    return { app, secret };
  }

  async updateApp(id: string, patch: Omit<AppPatch, 'secretHash' | 'qr'> & { qr?: Partial<QrSettings> }) {
    const current = (await this.store.getApp(id)) ?? fail('NOT_FOUND');
    const next: AppPatch = { ...patch, qr: { ...current.qr, ...patch.qr } };
    if (patch.allowedOrigins) next.allowedOrigins = this.#origins(patch.allowedOrigins);
    const app = (await this.store.updateApp(id, next)) ?? fail('NOT_FOUND');
    this.#appCache.delete(id);
    return app;
  }

  /** Replaces the secret; the old one stops working at once on this instance. */
  async rotateAppSecret(id: string): Promise<{ app: AppRecord; secret: string }> {
    const secret = newAppSecret();
    const app = (await this.store.updateApp(id, { secretHash: sha256Hex(secret) })) ?? fail('NOT_FOUND');
    this.#appCache.delete(id);
    return { app, secret };
  }

  async deleteApp(id: string): Promise<void> {
    if (!(await this.store.deleteApp(id))) fail('NOT_FOUND');
    this.#appCache.delete(id);
    await this.#changed({ kind: 'app-deleted', appId: id });
  }

  /** Every app, or a pool's. */
  listApps(poolId?: string): Promise<AppRecord[]> {
    return this.store.listApps(poolId);
  }

  /** Whether any application allows this web origin (answers CORS preflights before the app is known). */
  isOriginAllowed(origin: string): Promise<boolean> {
    return this.store.isOriginAllowedByAnyApp(origin);
  }

  async getApp(id: string): Promise<AppRecord | null> {
    const now = this.clock.now();
    const hit = this.#appCache.get(id);
    if (hit && hit.until > now) return hit.app;
    const app = await this.store.getApp(id);
    this.#appCache.set(id, { app, until: now + this.cacheMs });
    if (this.#appCache.size > 10_000) this.#appCache.clear();
    return app;
  }

  async requireApp(id: string | undefined): Promise<AppRecord> {
    if (!id) return fail('APP_ID_REQUIRED');
    return (await this.getApp(id)) ?? fail('APP_NOT_FOUND');
  }

  verifyAppSecret(app: AppRecord, secret: string): boolean {
    return safeEqual(sha256Hex(secret), app.secretHash);
  }

  #origins(list: string[]): string[] {
    return [
      ...new Set(
        list.map(
          (o) =>
            normalizeOrigin(o) ??
            fail('INVALID_REQUEST', detail('notAnOrigin', { value: JSON.stringify(o) })),
        ),
      ),
    ];
  }

  // Users ---------------------------------------------------------------------

  async createUser(input: NewUser): Promise<UserRecord> {
    await this.requirePool(input.poolId);
    const username = input.username?.trim() || null;
    const email = input.email?.trim().toLowerCase() || null;
    const phone = input.phone?.trim() || null;
    if (!username && !email && !phone) fail('INVALID_REQUEST', detail('userNeedsIdentifier'));
    const now = this.clock.now();
    const user: UserRecord = {
      id: newObjectId(this.clock.now()),
      poolId: input.poolId,
      username,
      email,
      phone,
      passwordHash: input.password ? await hashPassword(input.password) : null,
      nickname: input.nickname ?? username ?? email?.split('@')[0] ?? null,
      photo: input.photo ?? null,
      blocked: input.blocked ?? false,
      customData: input.customData ?? {},
      createdAt: now,
      updatedAt: now,
    };
    try {
      await this.store.insertUser(user);
    } catch (err) {
      if (err instanceof ConflictError) fail('CONFLICT', detail('fieldTaken', { field: err.field }));
      throw err;
    }
    return user;
  }

  async updateUser(id: string, patch: Omit<UserPatch, 'passwordHash'> & { password?: string | null }) {
    const { password, ...rest } = patch;
    const next: UserPatch = { ...rest };
    // The same normalisation as createUser, so an edited user can still log in and clear fields.
    if (rest.username !== undefined) next.username = rest.username?.trim() || null;
    if (rest.email !== undefined) next.email = rest.email?.trim().toLowerCase() || null;
    if (rest.phone !== undefined) next.phone = rest.phone?.trim() || null;
    const current = (await this.store.getUser(id)) ?? fail('NOT_FOUND');
    const merged = { ...current, ...next };
    if (!merged.username && !merged.email && !merged.phone) {
      fail('INVALID_REQUEST', detail('userNeedsIdentifier'));
    }
    if (password !== undefined) next.passwordHash = password ? await hashPassword(password) : null;
    let updated: UserRecord;
    try {
      updated = (await this.store.updateUser(id, next, this.clock.now())) ?? fail('NOT_FOUND');
    } catch (err) {
      if (err instanceof ConflictError) fail('CONFLICT', detail('fieldTaken', { field: err.field }));
      throw err;
    }
    if (updated.blocked) await this.#changed({ kind: 'user-unavailable', userId: id });
    return updated;
  }

  getUser(id: string): Promise<UserRecord | null> {
    return this.store.getUser(id);
  }

  listUsers(poolId: string, page: { limit?: number; offset?: number } = {}): Promise<UserRecord[]> {
    return this.store.listUsers(poolId, page);
  }

  /** Deletes a user; NOT_FOUND when there is none such. */
  async deleteUser(id: string): Promise<void> {
    if (!(await this.store.deleteUser(id))) fail('NOT_FOUND');
    await this.#changed({ kind: 'user-unavailable', userId: id });
  }

  /**
   * Password login. Every failure looks the same to the caller (no account
   * enumeration). Each attempt takes one unit of its account's budgets
   * *before* the password is evaluated, atomically in the shared counter
   * store, so a burst of parallel attempts cannot outrun the count: past a
   * budget the attempt is refused (429 with Retry-After) unevaluated. The
   * budgets belong to the account (its id, whichever of username, e-mail or
   * phone was typed): one per address, so a stranger elsewhere locks out only
   * themselves, and one for all addresses together, which only several
   * addresses can spend, for at most one window. A success resets both.
   */
  async authenticate(input: {
    poolId: string;
    account: string;
    password: string;
    ip: string;
    /** Which name `account` is (authing-js-sdk's loginByUsername, loginByEmail...); default: any. */
    kind?: AccountKind;
  }): Promise<UserRecord> {
    const pool = await this.requirePool(input.poolId);
    const kind = input.kind ?? 'any';
    const account = input.account.trim();
    const ipKey = `login:ip:${input.ip}`;
    await this.#assertUnder(ipKey, this.throttle.ipFailures);
    // E-mail addresses are stored lower-cased.
    const user =
      kind === 'email'
        ? await this.store.findUserByAccount(pool.id, account.toLowerCase(), kind)
        : ((await this.store.findUserByAccount(pool.id, account, kind)) ??
          (kind === 'any' && account.includes('@')
            ? await this.store.findUserByAccount(pool.id, account.toLowerCase(), kind)
            : null));
    // An unknown account is throttled like a known one, by what was typed (folded as usernames are).
    const accountKey = user ? `login:user:${user.id}` : `login:name:${pool.id}:${usernameKey(account)}`;
    const fromHere = `${accountKey}:ip:${input.ip}`;
    await this.#reserve(fromHere, this.throttle.accountFailures);
    await this.#reserve(accountKey, this.throttle.accountFailuresTotal);

    const ok = await verifyPassword(user?.passwordHash ?? null, this.#plainPassword(pool, input.password));
    if (!ok || !user) {
      await this.counters.increment(ipKey, this.throttle.windowMs, this.clock.now());
      return fail('WRONG_CREDENTIALS');
    }
    await Promise.all([this.counters.reset(fromHere), this.counters.reset(accountKey)]);
    // A blocked user's right password is still the right password; TokenService.issue refuses the token.
    return user;
  }

  /**
   * Checks a signed-in user's password again (step-up on the phone): each
   * attempt takes one unit of the user's step-up budget before it is
   * evaluated, as login does; failures count against the address too.
   */
  async verifyUserPassword(user: UserRecord, password: string, ip: string): Promise<boolean> {
    const key = `stepup:${user.id}`;
    const ipKey = `login:ip:${ip}`;
    await this.#assertUnder(ipKey, this.throttle.ipFailures);
    await this.#reserve(key, this.throttle.accountFailures);
    const plain = this.#plainPassword(await this.requirePool(user.poolId), password);
    if (await verifyPassword(user.passwordHash, plain)) {
      await this.counters.reset(key);
      return true;
    }
    await this.counters.increment(ipKey, this.throttle.windowMs, this.clock.now());
    return false;
  }

  /** A password as typed: decrypted if the client RSA-encrypted it with the pool's key. */
  #plainPassword(pool: PoolRecord, value: string): string {
    if (!looksRsaEncrypted(value)) return value;
    const privateKey = this.sealer.open(pool.rsaPrivateKey, sealLabels.poolRsaKey(pool.id));
    return decryptPassword(privateKey, value) ?? value;
  }

  /** Takes one attempt of `key`'s budget, or refuses (429 until the window ends) when it is spent. */
  async #reserve(key: string, budget: number): Promise<void> {
    const now = this.clock.now();
    const { count, resetAt } = await this.counters.increment(key, this.throttle.windowMs, now);
    if (count > budget) tooManyAttempts(resetAt, now);
  }

  /** Refuses (429 until the window ends) once `key` has counted `budget` failures. */
  async #assertUnder(key: string, budget: number): Promise<void> {
    const now = this.clock.now();
    const state = await this.counters.get(key, now);
    if (state && state.count >= budget) tooManyAttempts(state.resetAt, now);
  }
}

function tooManyAttempts(resetAt: number, now: number): never {
  const retryAfter = String(Math.max(1, Math.ceil((resetAt - now) / 1000)));
  return fail('TOO_MANY_LOGIN_ATTEMPTS', undefined, { 'retry-after': retryAfter });
}
