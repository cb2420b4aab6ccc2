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
