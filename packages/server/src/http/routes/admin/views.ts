import type { AppRecord, PoolRecord, PoolSecurity, QrSettings } from '../../../domain/ports.js';

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

const QR_SETTINGS = [
  'qrcodeExpiresAfter',
  'ticketExpiresAfter',
  'returnFullUserInfo',
  'allowExchangeUserInfoFromBrowser',
] as const satisfies readonly (keyof QrSettings)[];

/** The QR settings an admin body gives (the wire names them flat, beside the app's other fields). */
export function pickQr(b: Partial<QrSettings>): Partial<QrSettings> {
  const qr: Partial<QrSettings> = {};
  for (const k of QR_SETTINGS) if (b[k] !== undefined) Object.assign(qr, { [k]: b[k] });
  return qr;
}
const SECURITY = [
  'proximityPolicy',
  'checkCode',
  'requireBinding',
  'rotateQrEvery',
] as const satisfies readonly (keyof PoolSecurity)[];

/** The security settings a body gives (flat on the wire). */
export function securityOf(b: Partial<PoolSecurity>): Partial<PoolSecurity> {
  const out: Partial<PoolSecurity> = {};
  for (const k of SECURITY) if (b[k] !== undefined) Object.assign(out, { [k]: b[k] });
  return out;
}
