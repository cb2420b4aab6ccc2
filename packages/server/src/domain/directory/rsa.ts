import { generateKeyPairSync } from 'node:crypto';
import forge from 'node-forge';

/** The RSA key pair a pool publishes for password encryption by the mobile SDKs. */
export function generatePoolRsaKey(): { publicKey: string; privateKey: string } {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { publicKey, privateKey };
}

const cache = new Map<string, forge.pki.rsa.PrivateKey>();

/** Whether `value` has the shape of a password encrypted with a pool key (else it is a plain one). */
export function looksRsaEncrypted(value: string): boolean {
  // A 2048-bit ciphertext is 256 bytes: 344 base64 characters.
  return value.length === 344 && /^[A-Za-z0-9+/]+={0,2}$/.test(value);
}

/**
 * Recovers a password the client encrypted with the pool's public key
 * (RSA PKCS#1 v1.5, base64), or null if `value` is not such a ciphertext.
 *
 * Node 20 refuses PKCS#1 v1.5 decryption (CVE-2023-46809), so node-forge does it.
 * A padding failure is not reported to the client as such: the caller treats
 * the value as a plain password and a wrong one fails like any wrong password,
 * so the endpoint is no padding oracle.
 */
export function decryptPassword(privateKeyPem: string, value: string): string | null {
  if (!looksRsaEncrypted(value)) return null;
  let key = cache.get(privateKeyPem);
  if (!key) {
    key = forge.pki.privateKeyFromPem(privateKeyPem);
    cache.set(privateKeyPem, key);
  }
  try {
    const bytes = key.decrypt(forge.util.decode64(value), 'RSAES-PKCS1-V1_5');
    return forge.util.decodeUtf8(bytes);
  } catch {
    return null;
  }
}
