// Server-only: the app secret and the token check. Read at request time, so one build runs
// against any Scanlogin service (nothing is baked into the bundle).
import 'server-only';
import { createVerifier, type ScanloginClaims, TokenVerificationError } from '@scanlogin/verify';
import { cookies } from 'next/headers';

function setting(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`set ${name} (see README.md)`);
  return value;
}

export const SESSION_COOKIE = 'session';
/** The user's name, for display only: who they are is the verified token's `sub`. */
export const NAME_COOKIE = 'session_name';

/** Where the browser and this server reach the service, and this site's app id. */
export function scanloginConfig() {
  return {
    url: setting('SCANLOGIN_URL').replace(/\/+$/, ''),
    appId: setting('SCANLOGIN_APP_ID'),
  };
}

let verifier: ((token: string) => Promise<ScanloginClaims>) | null = null;

/** Verifies a website token: signature (JWKS, cached), issuer, audience, expiry. */
export function verifyToken(token: string): Promise<ScanloginClaims> {
  if (!verifier) {
    const { url, appId } = scanloginConfig();
    verifier = createVerifier({
      // The service's PUBLIC_URL; differs from SCANLOGIN_URL only when this server reaches it internally.
      issuer: process.env.SCANLOGIN_ISSUER ?? url,
      audience: appId,
      jwksUrl: `${url}/.well-known/jwks.json`,
    });
  }
  return verifier(token);
}

/** The signed-in user (the session cookie's verified claims and the name), or null. */
export async function currentUser(): Promise<{ claims: ScanloginClaims; name: string } | null> {
  const store = await cookies();
  const token = store.get(SESSION_COOKIE)?.value;
  if (!token) return null;
  try {
    const claims = await verifyToken(token);
    return { claims, name: store.get(NAME_COOKIE)?.value || claims.sub };
  } catch (err) {
    if (err instanceof TokenVerificationError) return null;
    throw err;
  }
}

/** Redeems a ticket once, with the app secret: the user and a token minted for this site. */
export async function redeemTicket(
  ticket: string,
): Promise<{ token: string; nickname?: string | null; username?: string | null } | null> {
  const { url, appId } = scanloginConfig();
  const res = await fetch(`${url}/api/v2/qrcode/userinfo`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Basic ${Buffer.from(`${appId}:${setting('SCANLOGIN_APP_SECRET')}`).toString('base64')}`,
    },
    body: JSON.stringify({ ticket }),
    cache: 'no-store',
  });
  const answer = (await res.json()) as { code: number; data: { token: string } | null };
  return answer.code === 200 ? answer.data : null;
}
