import type { Clock } from './clock.js';
import { safeEqual, sha256Hex } from './directory/service.js';
import { randomToken } from './ids.js';
import { type DirectoryStore, META } from './ports.js';

/** A first start that died midway leaves its claim; after this long another start takes over. */
const STALE_CLAIM_MS = 5 * 60_000;
/** The default pool is read on requests that name no pool; it changes only at first start. */
const DEFAULT_POOL_CACHE_MS = 5000;

/**
 * Facts about the installation as a whole, kept in the directory's meta
 * table: which start seeds it, the pool used when a request names none, and
 * the admin credential. The admin token is only ever held as its SHA-256
 * digest, compared in constant time, and handled here alone.
 */
export class Installation {
  #defaultPool: { id: string | null; until: number } | null = null;

  constructor(
    private readonly store: DirectoryStore,
    private readonly clock: Clock,
    /** ADMIN_TOKEN from the configuration: when set, it is the credential and none is stored. */
    private readonly configuredAdminToken: string,
  ) {}

  /** The pool a request that names none is about; null before the first start finished. */
  async defaultPoolId(): Promise<string | null> {
    const now = this.clock.now();
    if (this.#defaultPool && this.#defaultPool.until > now) return this.#defaultPool.id;
    const id = await this.store.getMeta(META.defaultPoolId);
    // Only a known pool is kept: until the first start ends, every request looks again.
    this.#defaultPool = id ? { id, until: now + DEFAULT_POOL_CACHE_MS } : null;
    return id;
  }

  /** Whether the installation was seeded already. */
  async initialised(): Promise<boolean> {
    return (await this.defaultPoolId()) !== null;
  }

  /**
   * Claims the first start for this instance: of several instances starting
   * together on a new database, one wins and seeds. A claim older than a few
   * minutes (its start died) is taken over.
   */
  async claimFirstStart(): Promise<boolean> {
    const now = this.clock.now();
    if (await this.store.claimMeta(META.firstStartClaim, String(now))) return true;
    const claimedAt = Number(await this.store.getMeta(META.firstStartClaim));
    if (now - claimedAt < STALE_CLAIM_MS) return false;
    await this.store.setMeta(META.firstStartClaim, String(now));
    return true;
  }

  /** Marks the installation seeded, with `poolId` as its default pool (written last). */
  async finishFirstStart(poolId: string): Promise<void> {
    await this.store.setMeta(META.defaultPoolId, poolId);
  }

  /** Whether `given` is the admin credential. */
  async verifyAdminToken(given: string): Promise<boolean> {
    const expected = this.configuredAdminToken
      ? sha256Hex(this.configuredAdminToken)
      : await this.store.getMeta(META.adminTokenHash);
    return expected !== null && safeEqual(sha256Hex(given), expected);
  }

  /** Whether the admin credential comes from the configuration (then it cannot be replaced here). */
  get adminTokenConfigured(): boolean {
    return Boolean(this.configuredAdminToken);
  }

  /** A new admin credential, replacing the stored one; only its digest is kept. Shown once by the caller. */
  async newAdminToken(): Promise<string> {
    const token = `sla_${randomToken(32)}`;
    await this.store.setMeta(META.adminTokenHash, sha256Hex(token));
    return token;
  }
}
