import type { AppRecord, PoolRecord } from '../../../domain/ports.js';

export const poolView = (p: PoolRecord) => ({
  id: p.id,
  name: p.name,
  proximityPolicy: p.security.proximityPolicy,
  checkCode: p.security.checkCode,
  requireBinding: p.security.requireBinding,
  rotateQrEvery: p.security.rotateQrEvery,
  publicKey: p.rsaPublicKey,
  createdAt: new Date(p.createdAt).toISOString(),
});

export const appView = (a: AppRecord) => ({
  id: a.id,
  userPoolId: a.poolId,
  name: a.name,
  logo: a.logo,
  allowedOrigins: a.allowedOrigins,
  qrcodeExpiresAfter: a.qr.qrcodeExpiresAfter,
  ticketExpiresAfter: a.qr.ticketExpiresAfter,
  returnFullUserInfo: a.qr.returnFullUserInfo,
  allowExchangeUserInfoFromBrowser: a.qr.allowExchangeUserInfoFromBrowser,
  createdAt: new Date(a.createdAt).toISOString(),
});

export const idParams = {
  type: 'object',
  properties: { id: { type: 'string', minLength: 1, maxLength: 64 } },
  required: ['id'],
} as const;

/** The writable QR settings of an app, as the wire doc names them. */
export const qrSettingsProps = {
  qrcodeExpiresAfter: { type: 'integer', minimum: 10, maximum: 3600 },
  ticketExpiresAfter: { type: 'integer', minimum: 10, maximum: 3600 },
  returnFullUserInfo: { type: 'boolean' },
  allowExchangeUserInfoFromBrowser: { type: 'boolean' },
} as const;

export function pickQr(b: Record<string, unknown>) {
  const qr: Record<string, unknown> = {};
  for (const k of Object.keys(qrSettingsProps)) if (b[k] !== undefined) qr[k] = b[k];
  return qr;
}
