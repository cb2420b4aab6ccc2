/**
 * The text inside the QR code: the seeds' JSON, unchanged so that existing apps
 * can read our codes. One edition of that system writes `expiresIn` (seconds)
 * instead of `expireAt`; readers accept both.
 */
export interface QrPayload {
  scene: 'APP_AUTH';
  random: string;
  userPoolId: string;
  createdAt: string;
  expireAt?: string;
  expiresIn?: number;
  customData: Record<string, unknown>;
  /**
   * Ours: a compact JWS (ES256, `typ: scanlogin-qr+jwt`, a key of the
   * service's JWKS) over `{ sub: random, aud: userPoolId, exp }`. Apps that
   * know it refuse codes without a valid one; older apps ignore the field.
   */
  sig?: string;
}

/** Builds the payload text exactly as the seeds show it (field order included). */
export function formatQrPayload(p: {
  random: string;
  userPoolId: string;
  createdAt: number;
  expiresAt: number;
  customData?: Record<string, unknown> | null;
  sig?: string | null;
}): string {
  return JSON.stringify({
    scene: 'APP_AUTH',
    random: p.random,
    userPoolId: p.userPoolId,
    createdAt: new Date(p.createdAt).toISOString(),
    expireAt: new Date(p.expiresAt).toISOString(),
    customData: p.customData ?? {},
    ...(p.sig ? { sig: p.sig } : {}),
  });
}

/** The JWS `typ` of a signed login code: never accepted where a token is expected. */
export const QR_SIGNATURE_TYPE = 'scanlogin-qr+jwt';
