import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto';
import type { Jwks, PublicJwk } from '@scanlogin/protocol';
import type { Clock } from '../clock.js';
import { KeySealer, sealLabels } from '../key-sealing.js';
import type { KeyStore, SigningKeyRecord } from '../ports.js';
import { createSigner, type JwtSigner } from './jwt.js';

/** A published key, exactly as the JWKS carries it (the protocol's `PublicJwk`). */
export type { PublicJwk };

interface LoadedKey {
  record: SigningKeyRecord;
  publicKey: KeyObject;
  publicJwk: PublicJwk;
  /** Opened (unsealed) private JWK, kept for the embedded OpenID provider's key set. */
  privateJwk: JsonWebKey;
  signer: JwtSigner;
}

/** RFC 7638 thumbprint of an EC public key: a stable, content-derived kid. */
function thumbprint(jwk: JsonWebKey): string {
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
  return createHash('sha256').update(canonical).digest('base64url');
}

export function generateSigningKey(now: number): SigningKeyRecord {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pub = publicKey.export({ format: 'jwk' });
  return {
    kid: thumbprint(pub),
    alg: 'ES256',
    privateJwk: JSON.stringify(privateKey.export({ format: 'jwk' })),
    publicJwk: JSON.stringify(pub),
    createdAt: now,
    retiredAt: null,
  };
}

/**
 * The signing keys of the service. Keys live in the shared KeyStore, so
 * instances that start later find and use the same keys.
 *
 * Rotation publishes first and signs later: `rotate()` adds a key to the
 * JWKS at once, but the old key keeps signing for `activationDelayMs`, long
 * enough for verifiers' JWKS caches and for other instances' periodic reload
 * to see the new key before any token carries its `kid`. Then the old key
 * stops signing (`retiredAt`) and stays published for `retentionMs`, until
 * the last token it signed has expired.
 */
export class KeyRing {
  #keys = new Map<string, LoadedKey>();
  #jwks: Jwks = { keys: [] };
  #lastReload = 0;

  constructor(
    private readonly store: KeyStore,
    private readonly clock: Clock,
    /** How long a retired key stays published: at least the longest token lifetime. */
    private readonly retentionMs: number,
    /** How long a new key is published before it signs. */
    private readonly activationDelayMs = 120_000,
    /** Encrypts private keys before they are stored. */
    private readonly sealer: KeySealer = KeySealer.none,
  ) {}

  /**
   * Loads keys, creating the first one if the store has none. Stored private
   * keys not in the form the sealer writes now (plain text from before
   * encryption, or sealed with a key being rotated out) are re-sealed; one
   * that no configured key opens stops the start with SealedKeyError.
   */
  async init(): Promise<void> {
    await this.#reseal();
    await this.reload();
    if (!this.#pickActive()) {
      await this.#insert(generateSigningKey(this.clock.now()));
      await this.reload();
    }
  }

  /** Every stored key, retired ones included: their private halves are as sensitive. */
  async #reseal(): Promise<void> {
    for (const record of await this.store.listKeys()) {
      if (this.sealer.isCurrent(record.privateJwk)) continue;
      const label = sealLabels.signingKey(record.kid);
      const plain = this.sealer.open(record.privateJwk, label);
      // Another instance starting at the same time may have re-sealed it first: either value opens.
      await this.store.swapPrivateJwk(record.kid, record.privateJwk, this.sealer.seal(plain, label));
    }
  }

  #insert(record: SigningKeyRecord): Promise<void> {
    const privateJwk = this.sealer.seal(record.privateJwk, sealLabels.signingKey(record.kid));
    return this.store.insertKey({ ...record, privateJwk });
  }

  async reload(): Promise<void> {
    const now = this.clock.now();
    const records = await this.store.listKeys();
    const keys = new Map<string, LoadedKey>();
    for (const record of records) {
      if (record.retiredAt !== null && record.retiredAt + this.retentionMs <= now) continue;
      const existing = this.#keys.get(record.kid);
      if (existing && existing.record.retiredAt === record.retiredAt) {
        keys.set(record.kid, existing);
        continue;
      }
      const publicKey = createPublicKey({ key: JSON.parse(record.publicJwk), format: 'jwk' });
      const privateJwk = this.sealer.open(record.privateJwk, sealLabels.signingKey(record.kid));
      const privateJwkParsed = JSON.parse(privateJwk) as JsonWebKey;
      const privateKey = createPrivateKey({ key: privateJwkParsed, format: 'jwk' });
      const { x, y } = JSON.parse(record.publicJwk) as { x: string; y: string };
      const publicJwk: PublicJwk = {
        kty: 'EC',
        crv: 'P-256',
        x,
        y,
        kid: record.kid,
        alg: 'ES256',
        use: 'sig',
      };
      keys.set(record.kid, {
        record,
        publicKey,
        publicJwk,
        privateJwk: privateJwkParsed,
        signer: createSigner(record.kid, privateKey),
      });
    }
    this.#keys = keys;
    this.#jwks = { keys: [...keys.values()].map((k) => k.publicJwk) };
    this.#lastReload = now;
  }

  /**
   * The key that signs now: the newest one published long enough, among those
   * not retired. If none is that old yet (a fresh install, or a rotation soon
   * after it), the longest-known one: the key that was signing before a
   * rotation keeps signing until its successor matures.
   */
  #pickActive(): LoadedKey | null {
    const now = this.clock.now();
    let mature: LoadedKey | null = null;
    let known: LoadedKey | null = null;
    for (const k of this.#keys.values()) {
      const r = k.record;
      if (r.retiredAt !== null && r.retiredAt <= now) continue;
      if (r.createdAt + this.activationDelayMs <= now && (!mature || r.createdAt > mature.record.createdAt))
        mature = k;
      // Oldest first; on a tie, the key already scheduled to retire is the one that was signing.
      if (
        !known ||
        r.createdAt < known.record.createdAt ||
        (r.createdAt === known.record.createdAt && r.retiredAt !== null && known.record.retiredAt === null)
      ) {
        known = k;
      }
    }
    return mature ?? known;
  }

  /**
   * Publishes a fresh key now; it takes over signing after the activation
   * delay, when the keys signing today are retired.
   */
  async rotate(): Promise<string> {
    const now = this.clock.now();
    const fresh = generateSigningKey(now);
    await this.#insert(fresh);
    for (const k of this.#keys.values()) {
      if (k.record.retiredAt === null) await this.store.retireKey(k.record.kid, now + this.activationDelayMs);
    }
    await this.reload();
    return fresh.kid;
  }

  /** Whether a key is loaded that can sign now (after `init`, unless every key was retired). */
  get canSign(): boolean {
    return this.#pickActive() !== null;
  }

  get signer(): JwtSigner {
    const active = this.#pickActive();
    if (!active) throw new Error('KeyRing used before init()');
    return active.signer;
  }

  /** Public key for `kid`, reloading at most once a second when it is unknown. */
  async publicKey(kid: string): Promise<KeyObject | null> {
    const k = this.#keys.get(kid);
    if (k) return k.publicKey;
    if (this.clock.now() - this.#lastReload < 1000) return null;
    await this.reload();
    return this.#keys.get(kid)?.publicKey ?? null;
  }

  get jwks(): Jwks {
    return this.#jwks;
  }

  /**
   * The private JWKs of the published keys, the one that signs now first:
   * for the embedded OpenID provider, which signs with the first key of its
   * set and publishes all of them (the same set as `jwks`).
   */
  privateJwks(): JsonWebKey[] {
    const active = this.#pickActive();
    const all = [...this.#keys.values()];
    const ordered = active ? [active, ...all.filter((k) => k !== active)] : all;
    return ordered.map((k) => ({
      // The opened JWK: the stored one may be sealed (KEY_ENCRYPTION_KEY).
      ...k.privateJwk,
      kid: k.record.kid,
      alg: 'ES256',
      use: 'sig',
    }));
  }
}
