import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto';
import type { KeyStore, SigningKeyRecord } from '../../storage/contracts.js';
import type { Clock } from '../clock.js';
import { createSigner, type JwtSigner } from './jwt.js';

export interface PublicJwk extends JsonWebKey {
  kid: string;
  alg: 'ES256';
  use: 'sig';
}

interface LoadedKey {
  record: SigningKeyRecord;
  publicKey: KeyObject;
  publicJwk: PublicJwk;
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
 * The signing keys of the service. The newest key that is not retired signs;
 * every key still inside its publication window verifies and is in the JWKS.
 * Keys live in the shared KeyStore, so instances that start later find and
 * use the same keys; a token with an unknown `kid` triggers one reload, which
 * is how a rotation done elsewhere reaches this instance.
 */
export class KeyRing {
  #keys = new Map<string, LoadedKey>();
  #active: LoadedKey | null = null;
  #jwks: { keys: PublicJwk[] } = { keys: [] };
  #lastReload = 0;

  constructor(
    private readonly store: KeyStore,
    private readonly clock: Clock,
    /** How long a retired key stays published: at least the longest token lifetime. */
    private readonly retentionMs: number,
  ) {}

  /** Loads keys, creating the first one if the store has none. */
  async init(): Promise<void> {
    await this.reload();
    if (!this.#active) {
      await this.store.insertKey(generateSigningKey(this.clock.now()));
      await this.reload();
    }
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
      const privateKey = createPrivateKey({ key: JSON.parse(record.privateJwk), format: 'jwk' });
      const publicJwk: PublicJwk = {
        ...(JSON.parse(record.publicJwk) as JsonWebKey),
        kid: record.kid,
        alg: 'ES256',
        use: 'sig',
      };
      keys.set(record.kid, { record, publicKey, publicJwk, signer: createSigner(record.kid, privateKey) });
    }
    this.#keys = keys;
    const live = [...keys.values()].filter((k) => k.record.retiredAt === null);
    live.sort((a, b) => b.record.createdAt - a.record.createdAt);
    this.#active = live[0] ?? null;
    this.#jwks = { keys: [...keys.values()].map((k) => k.publicJwk) };
    this.#lastReload = now;
  }

  /** Starts signing with a fresh key; older keys keep verifying until retention ends. */
  async rotate(): Promise<string> {
    const now = this.clock.now();
    const fresh = generateSigningKey(now);
    await this.store.insertKey(fresh);
    for (const k of this.#keys.values()) {
      if (k.record.retiredAt === null) await this.store.retireKey(k.record.kid, now);
    }
    await this.reload();
    return fresh.kid;
  }

  get signer(): JwtSigner {
    if (!this.#active) throw new Error('KeyRing used before init()');
    return this.#active.signer;
  }

  /** Public key for `kid`, reloading at most once a second when it is unknown. */
  async publicKey(kid: string): Promise<KeyObject | null> {
    const k = this.#keys.get(kid);
    if (k) return k.publicKey;
    if (this.clock.now() - this.#lastReload < 1000) return null;
    await this.reload();
    return this.#keys.get(kid)?.publicKey ?? null;
  }

  get jwks(): { keys: PublicJwk[] } {
    return this.#jwks;
  }
}
