/**
 * Setup of the OpenID Connect scenarios, on our server and on bare
 * oidc-provider alike: authorization codes ready to redeem, and device codes
 * waiting for approval. Plain HTTP with a cookie jar, redirects taken one at
 * a time (nothing here is measured).
 *
 * Codes are made the way a browser signed in once gets them: one sign-in
 * (ours: the hosted page's QR code, approved by the phone's app calls; bare:
 * its interaction answers at once), then an authorization request per code,
 * which the browser session answers with a code straight away.
 */
import { createHash } from 'node:crypto';
import { mapLimit, ok, request } from './http.js';
import { ADMIN_TOKEN, type Tenant } from './scanlogin.js';

export const REDIRECT_URI = 'http://127.0.0.1:9/cb';
/** One PKCE pair for every code of a run (a verifier is a secret of one request; here nothing is at stake). */
export const PKCE_VERIFIER = 'bench-pkce-verifier-0123456789-abcdefghijklmnopqrstuvwxyz';
const PKCE_CHALLENGE = createHash('sha256').update(PKCE_VERIFIER).digest('base64url');

export const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

/** The cookies of one browser (names only: one origin). */
class Jar {
  readonly #c = new Map<string, string>();
  header(): string {
    return [...this.#c].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  store(set: string[] | undefined): void {
    for (const line of set ?? []) {
      const pair = line.split(';')[0]!;
      const eq = pair.indexOf('=');
      if (eq > 0) this.#c.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
  }
}

async function hop(base: string, path: string, jar: Jar, init: Parameters<typeof request>[3] = {}) {
  const method = init.form || init.body !== undefined ? 'POST' : 'GET';
  const a = await request(base, method, path, {
    ...init,
    headers: { cookie: jar.header(), ...init.headers },
  });
  jar.store(a.headers['set-cookie']);
  const location = a.headers.location ? new URL(a.headers.location, base).href : null;
  return { ...a, location };
}

/** Follows redirects on `base` until one leaves it; returns where it goes (the client's redirect URI). */
async function followOut(base: string, url: string, jar: Jar): Promise<string> {
  let at = url;
  for (;;) {
    const u = new URL(at);
    if (u.origin !== new URL(base).origin) return at;
    const a = await hop(base, u.pathname + u.search, jar);
    if (!a.location)
      throw new Error(`no redirect from ${u.pathname}: HTTP ${a.status} ${String(a.body).slice(0, 200)}`);
    at = a.location;
  }
}

function authorizationPath(authPath: string, clientId: string): string {
  const q = new URLSearchParams({
    client_id: clientId,
    response_type: 'code',
    scope: 'openid',
    redirect_uri: REDIRECT_URI,
    code_challenge: PKCE_CHALLENGE,
    code_challenge_method: 'S256',
    state: 'bench',
  });
  return `${authPath}?${q}`;
}

const codeOf = (url: string): string => {
  const code = new URL(url).searchParams.get('code');
  if (!code) throw new Error(`no code in ${url}`);
  return code;
};

/** A browser signed in to a client: `n` more authorization requests give `n` codes. */
export interface SignedInBrowser {
  codes(n: number): Promise<string[]>;
}

function signedIn(base: string, authPath: string, clientId: string, jar: Jar): SignedInBrowser {
  const path = authorizationPath(authPath, clientId);
  return {
    codes: (n) =>
      mapLimit(Array.from({ length: n }), 32, async () => {
        const a = await hop(base, path, jar);
        if (!a.location?.startsWith(REDIRECT_URI)) {
          throw new Error(`authorization did not answer with a code: HTTP ${a.status} ${a.location}`);
        }
        return codeOf(a.location);
      }),
  };
}

/**
 * Our server: registers the tenant's app as a client, then signs a browser in
 * the way a user does (the hosted page's QR code, scanned and approved by the
 * phone's app calls, the ticket handed to the interaction).
 */
export async function ourSignedInBrowser(t: Tenant): Promise<SignedInBrowser> {
  const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
  await ok(
    request(t.base, 'PATCH', `/api/admin/apps/${t.appId}`, {
      headers: admin,
      body: { redirectUris: [REDIRECT_URI] },
    }),
    'register the client',
  );
  const jar = new Jar();
  const start = await hop(t.base, authorizationPath('/oidc/auth', t.appId), jar);
  const page = new URL(start.location ?? '');
  const origin = new URL(t.base).origin;
  const gene = await ok(
    request(t.base, 'POST', '/api/v2/qrcode/gene', {
      headers: { origin, 'x-authing-app-id': t.appId },
      body: { scene: 'APP_AUTH' },
    }),
    'the sign-in page asks for a code',
  );
  const publicId = JSON.parse(gene.payload).random as string;
  for (const action of ['scanned', 'confirm'] as const) {
    await ok(
      request(t.base, 'POST', `/api/v2/qrcode/${action}`, {
        headers: { authorization: t.token },
        body: { random: publicId },
      }),
      action,
    );
  }
  const view = await ok(
    request(t.base, 'GET', `/api/v2/qrcode/check?random=${gene.random}`, {
      // The binding the service minted for this code, as the page's SDK sends it.
      headers: { 'x-scanlogin-binding': gene.binding },
    }),
    'check',
  );
  const done = await hop(t.base, `${page.pathname}/qr`, jar, {
    headers: { origin },
    body: { ticket: view.ticket },
  });
  if (done.body?.code !== 200) throw new Error(`sign-in: ${JSON.stringify(done.body)}`);
  codeOf(await followOut(t.base, done.body.data.redirectTo, jar));
  return signedIn(t.base, '/oidc/auth', t.appId, jar);
}

/** Bare oidc-provider: its interaction signs the browser in at once (bench/refs/oidc-device.ts). */
export async function bareSignedInBrowser(base: string): Promise<SignedInBrowser> {
  const jar = new Jar();
  codeOf(await followOut(base, `${base}${authorizationPath('/auth', 'bench-code')}`, jar));
  return signedIn(base, '/auth', 'bench-code', jar);
}

/** The token request body of a code redemption (`{item}`: the code). */
export const CODE_REDEMPTION_BODY = new URLSearchParams({
  grant_type: 'authorization_code',
  redirect_uri: REDIRECT_URI,
  code_verifier: PKCE_VERIFIER,
})
  .toString()
  .concat('&code={item}');

/** A public client of ours for devices (a TV has no secret), made through the admin API. */
export async function ourDeviceClient(t: Tenant): Promise<string> {
  const app = await ok(
    request(t.base, 'POST', '/api/admin/apps', {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      body: { userPoolId: t.poolId, name: 'bench device', publicClient: true },
    }),
    'create the device client',
  );
  return app.id as string;
}

/** `n` device codes waiting for approval (public client `clientId`). */
export function deviceCodes(base: string, authPath: string, clientId: string, n: number): Promise<string[]> {
  return mapLimit(Array.from({ length: n }), 32, async () => {
    const a = await request(base, 'POST', authPath, { form: { client_id: clientId, scope: 'openid' } });
    if (a.status !== 200) throw new Error(`device authorization: HTTP ${a.status} ${JSON.stringify(a.body)}`);
    return a.body.device_code as string;
  });
}

/** The token request body of a device's poll (`{item}`: the device code). */
export const devicePollBody = (clientId: string) =>
  `client_id=${encodeURIComponent(clientId)}&grant_type=${encodeURIComponent(DEVICE_GRANT)}&device_code={item}`;
