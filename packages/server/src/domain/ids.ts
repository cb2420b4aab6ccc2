import { randomBytes } from 'node:crypto';

/**
 * A CSPRNG string of `bytes` random bytes, base64url (URL-safe: the seeds' SDK
 * puts the QR id into a query string without encoding it).
 */
export function randomToken(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

/** QR ids: 128 bits. */
export const newQrRandom = (): string => randomToken(16);
/** Tickets: 256 bits; they are bearer credentials for a login. */
export const newTicket = (): string => randomToken(32);
/** Object ids (pools, apps, users): 24 hex characters like the seeds' ids, 96 random bits. */
export const newObjectId = (): string => randomBytes(12).toString('hex');
/** Application secrets: 256 bits. */
export const newAppSecret = (): string => randomToken(32);
