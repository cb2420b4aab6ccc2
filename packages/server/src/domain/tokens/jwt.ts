import { type KeyObject, sign, verify } from 'node:crypto';

/**
 * Compact JWS with ES256 on node:crypto. We sign on the ticket-exchange hot
 * path, so the header segment is encoded once per key and the signature uses
 * the raw r||s form JOSE expects (`ieee-p1363`) directly, with no conversion.
 */
export interface JwtSigner {
  kid: string;
  /** `typ` tells token kinds apart (RFC 8725 §3.11): `JWT` for tokens, another for signed QR codes. */
  sign(claims: Record<string, unknown>, typ?: string): string;
}

export function createSigner(kid: string, privateKey: KeyObject): JwtSigner {
  const headers = new Map<string, string>();
  const headerFor = (typ: string): string => {
    let h = headers.get(typ);
    if (h === undefined) {
      h = Buffer.from(JSON.stringify({ alg: 'ES256', typ, kid })).toString('base64url');
      headers.set(typ, h);
    }
    return h;
  };
  return {
    kid,
    sign(claims, typ = 'JWT') {
      const input = `${headerFor(typ)}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
      const sig = sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' });
      return `${input}.${sig.toString('base64url')}`;
    },
  };
}

export interface DecodedJwt {
  header: { alg?: unknown; kid?: unknown; typ?: unknown };
  claims: Record<string, unknown>;
  signingInput: string;
  signature: Buffer;
}

/** Splits and parses a compact JWS; null if it is not one. Does not verify. */
export function decodeJwt(token: string): DecodedJwt | null {
  if (token.length > 8192) return null;
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const [h, p, s] = parts as [string, string, string];
  try {
    const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8'));
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
    if (
      !header ||
      typeof header !== 'object' ||
      !claims ||
      typeof claims !== 'object' ||
      Array.isArray(claims)
    ) {
      return null;
    }
    return { header, claims, signingInput: `${h}.${p}`, signature: Buffer.from(s, 'base64url') };
  } catch {
    return null;
  }
}

export function verifySignature(decoded: DecodedJwt, publicKey: KeyObject): boolean {
  // An ES256 signature is exactly 64 bytes; anything else is forged or mangled.
  if (decoded.signature.length !== 64) return false;
  return verify(
    'sha256',
    Buffer.from(decoded.signingInput),
    { key: publicKey, dsaEncoding: 'ieee-p1363' },
    decoded.signature,
  );
}
