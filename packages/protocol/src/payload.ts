/**
 * Builds the payload text exactly as Authing shows it (field order included);
 * with `sig`, appended as by {@link appendQrSignature}.
 */
export function formatQrPayload(p: {
  random: string;
  userPoolId: string;
  createdAt: number;
  expiresAt: number;
  customData?: Record<string, unknown> | null;
  sig?: string | null;
}): string {
  const unsigned = JSON.stringify({
    scene: 'APP_AUTH',
    random: p.random,
    userPoolId: p.userPoolId,
    createdAt: new Date(p.createdAt).toISOString(),
    expireAt: new Date(p.expiresAt).toISOString(),
    customData: p.customData ?? {},
  });
  return p.sig ? appendQrSignature(unsigned, p.sig) : unsigned;
}

/**
 * The payload with its signature appended as the last member. The text
 * before it is exactly what the signature's `dig` covers, so a reader can cut
 * the signature off again without parsing and re-serialising anything.
 */
export function appendQrSignature(unsigned: string, sig: string): string {
  return `${unsigned.slice(0, -1)},"sig":${JSON.stringify(sig)}}`;
}

/**
 * The text a payload's `dig` covers: `text` without its trailing `sig` member
 * (a leading byte-order mark and surrounding whitespace, which some scanners
 * add, do not count). Null when `sig` is not the last member as the service
 * writes it, which no genuine code is.
 */
export function unsignedQrPayload(text: string, sig: string): string | null {
  const body = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).trim();
  const suffix = `,"sig":${JSON.stringify(sig)}}`;
  return body.endsWith(suffix) ? `${body.slice(0, -suffix.length)}}` : null;
}

/** The JWS `typ` of a signed login code: never accepted where a token is expected. */
export const QR_SIGNATURE_TYPE = 'scanlogin-qr+jwt';
