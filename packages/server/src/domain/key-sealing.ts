import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

/**
 * Encryption at rest of the private keys the service stores (token signing
 * keys, the pools' RSA keys), so a copy of the database or of its backups
 * alone does not give them away. AES-256-GCM with a key from the environment.
 *
 * A sealed value reads `sl-sealed:v1:<key id>:<iv>.<ciphertext>.<tag>`
 * (base64url). Values from before encryption was turned on are JSON or PEM,
 * which never start with the prefix, so they stay readable and are sealed on
 * the next start. The key id (a digest of the key, not the key) names which
 * key sealed a value, so a missing or wrong key is reported as such instead
 * of failing as damaged data. The label (what the value is: "signing key
 * <kid>", "RSA key of pool <id>") is authenticated with it, so a sealed value
 * copied onto another row does not open.
 */
const PREFIX = 'sl-sealed:v1:';
const KEY_ID_CONTEXT = 'scanlogin key-encryption key id';

/** Thrown when a stored key cannot be opened with the keys configured. */
export class SealedKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SealedKeyError';
  }
}

/**
 * Reads a key-encryption key: 32 bytes as 64 hex digits or as base64
 * (standard or URL-safe alphabet). The error never repeats the value.
 */
export function parseKeyEncryptionKey(text: string): Buffer {
  const t = text.trim();
  let key: Buffer | null = null;
  if (/^[0-9a-fA-F]{64}$/.test(t)) key = Buffer.from(t, 'hex');
  else if (/^[A-Za-z0-9+/_-]{43}=?$/.test(t)) key = Buffer.from(t, 'base64');
  if (key?.length !== 32) {
    throw new Error('expected 32 random bytes as 64 hex digits or base64 (openssl rand -base64 32)');
  }
  return key;
}

const keyId = (key: Buffer): string =>
  createHmac('sha256', key).update(KEY_ID_CONTEXT).digest().subarray(0, 6).toString('base64url');

export const isSealed = (stored: string): boolean => stored.startsWith(PREFIX);

export class KeySealer {
  /** Stores keys as given: no key-encryption key is configured. */
  static readonly none = new KeySealer(null);

  readonly #current: { id: string; key: Buffer } | null;
  readonly #byId = new Map<string, Buffer>();

  /**
   * `current` seals and opens; `previous` keys only open, while a rotation
   * re-seals what they sealed.
   */
  constructor(current: Buffer | null, previous: Buffer[] = []) {
    this.#current = current ? { id: keyId(current), key: current } : null;
    for (const key of [...previous, ...(current ? [current] : [])]) this.#byId.set(keyId(key), key);
  }

  /** What to store for `plain`: sealed with the current key, or `plain` itself when there is none. */
  seal(plain: string, label: string): string {
    if (!this.#current) return plain;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#current.key, iv);
    cipher.setAAD(Buffer.from(label));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    const parts = [iv, body, cipher.getAuthTag()].map((b) => b.toString('base64url'));
    return `${PREFIX}${this.#current.id}:${parts.join('.')}`;
  }

  /** The plain key of a stored value; throws SealedKeyError when no configured key opens it. */
  open(stored: string, label: string): string {
    if (!isSealed(stored)) return stored;
    const [id, packed = ''] = stored.slice(PREFIX.length).split(':', 2) as [string, string?];
    const [iv, body, tag] = packed.split('.').map((p) => Buffer.from(p, 'base64url'));
    const key = this.#byId.get(id);
    if (!key) {
      throw new SealedKeyError(
        this.#byId.size === 0
          ? `The ${label} is stored encrypted, but KEY_ENCRYPTION_KEY is not set: set it to the key it was encrypted with.`
          : `The ${label} was encrypted with a key-encryption key (id ${id}) that is neither KEY_ENCRYPTION_KEY nor in KEY_ENCRYPTION_KEY_PREVIOUS: set the key it was encrypted with.`,
      );
    }
    try {
      if (iv?.length !== 12 || tag?.length !== 16 || !body) throw new Error('malformed');
      const decipher = createDecipheriv('aes-256-gcm', key, iv);
      decipher.setAAD(Buffer.from(label));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
    } catch {
      throw new SealedKeyError(
        `The ${label} does not decrypt with key-encryption key ${id}: the stored value is damaged or was copied from another row.`,
      );
    }
  }

  /** Whether `stored` is in the form `seal` would write now (else it is due to be re-sealed). */
  isCurrent(stored: string): boolean {
    if (!this.#current) return !isSealed(stored);
    return stored.startsWith(`${PREFIX}${this.#current.id}:`);
  }
}

/** Labels of the values sealed: part of what is authenticated, and named in errors. */
export const sealLabels = {
  signingKey: (kid: string) => `private key of signing key ${kid}`,
  poolRsaKey: (poolId: string) => `RSA private key of pool ${poolId}`,
};
