/** What the key ring needs from storage: the signing keys every instance shares. */
export interface SigningKeyRecord {
  kid: string;
  alg: 'ES256';
  /** JWK of the private key, as JSON text; sealed (domain/key-sealing.ts) when a key-encryption key is set. */
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
  /** Replaces a key's stored private JWK if it still is `expected` (re-encryption); true if it did. */
  swapPrivateJwk(kid: string, expected: string, next: string): Promise<boolean>;
}
