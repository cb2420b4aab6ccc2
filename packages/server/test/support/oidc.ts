/**
 * Pieces the OpenID Connect tests share: a relying party made with the real
 * `openid-client` from npm, a cookie-keeping "browser" that follows redirects
 * one at a time (so a test sees every hop), and the hosted sign-in page's
 * calls made over HTTP the way its script makes them.
 */
import assert from 'node:assert/strict';
import * as client from 'openid-client';
import { appAction, assertOk, CookieJar, call, type Json, type TestServer } from '../helpers.js';

export const REDIRECT_URI = 'http://127.0.0.1:9/callback';
export const POST_LOGOUT_URI = 'http://127.0.0.1:9/signed-out';

/** Registers the app as a client (redirect URIs) through the admin API. */
export async function registerClient(
  s: TestServer,
  appId: string,
  body: Record<string, unknown> = {},
): Promise<Json> {
  return assertOk(
    await call(s.url, 'PATCH', `/api/admin/apps/${appId}`, {
      headers: { authorization: `Bearer ${s.seed.adminToken}` },
      body: { redirectUris: [REDIRECT_URI], postLogoutRedirectUris: [POST_LOGOUT_URI], ...body },
      jar: false,
    }),
  );
}

/** An openid-client configuration for the app, from the service's discovery document. */
export async function relyingParty(
  s: TestServer,
  appId: string,
  secret: string | null,
  auth?: client.ClientAuth,
): Promise<client.Configuration> {
  const config = await client.discovery(
    new URL(s.url),
    appId,
    secret === null ? {} : { client_secret: secret },
    auth ?? (secret === null ? client.None() : undefined),
    { execute: [client.allowInsecureRequests] },
  );
  return config;
}

export interface AuthorizationRequest {
  url: URL;
  verifier: string;
  state: string;
  nonce: string;
}

/** An authorization URL with PKCE (S256), state and nonce, as an RP builds it. */
export async function authorizationRequest(
  config: client.Configuration,
  extra: Record<string, string> = {},
): Promise<AuthorizationRequest> {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT_URI,
    scope: 'openid profile email',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...extra,
  });
  return { url, verifier, state, nonce };
}

export interface Hop {
  status: number;
  location: string | null;
  body: string;
  headers: Headers;
}

/** A browser for one test: keeps cookies (by name; paths ignored) and never follows redirects by itself. */
export class Browser {
  readonly jar = new CookieJar();

  async request(url: string | URL, init: RequestInit = {}): Promise<Hop> {
    const headers = new Headers(init.headers);
    if (this.jar.size > 0) headers.set('cookie', this.jar.header());
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    this.jar.store(res.headers.getSetCookie());
    const location = res.headers.get('location');
    return {
      status: res.status,
      location: location ? new URL(location, url).href : null,
      body: await res.text(),
      headers: res.headers,
    };
  }

  /** Follows redirects while they stay on `origin`; returns the first answer that is not one, or leaves it. */
  async follow(url: string | URL, origin: string): Promise<Hop & { url: string }> {
    let at = String(url);
    for (;;) {
      const hop = await this.request(at);
      if (!hop.location || new URL(hop.location).origin !== origin) return { ...hop, url: at };
      at = hop.location;
    }
  }

  /** A JSON call from the sign-in page (same origin as the service). */
  async pageCall(s: TestServer, path: string, body: unknown = {}, headers: Record<string, string> = {}) {
    const hop = await this.request(s.url + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: new URL(s.url).origin, ...headers },
      body: JSON.stringify(body),
    });
    return { status: hop.status, headers: hop.headers, body: JSON.parse(hop.body) as Json };
  }
}

/** The interaction uid of a sign-in page URL. */
export function interactionUid(pageUrl: string): string {
  const m = /\/oidc\/interaction\/([^/?#]+)$/.exec(new URL(pageUrl).pathname);
  assert.ok(m, `not an interaction page: ${pageUrl}`);
  return m[1]!;
}

/**
 * What the hosted sign-in page does with the web SDK, over HTTP: ask for a
 * code (rotating, with the binding cookie), wait for the phone, read the
 * ticket, hand it to the interaction. The phone (`phone`) scans and approves
 * with the app calls, unless the test does it itself.
 */
export async function qrSignIn(
  s: TestServer,
  browser: Browser,
  pageUrl: string,
  clientId: string,
  phone: ((publicId: string, random: string) => Promise<void>) | string,
): Promise<{ redirectTo: string; random: string }> {
  const uid = interactionUid(pageUrl);
  const gene = await browser.pageCall(
    s,
    '/api/v2/qrcode/gene',
    { scene: 'APP_AUTH', rotate: true },
    {
      'x-authing-app-id': clientId,
    },
  );
  assert.equal(gene.body.code, 200, JSON.stringify(gene.body));
  const { random, payload } = gene.body.data as { random: string; payload: string };
  const publicId = JSON.parse(payload).random as string;
  if (typeof phone === 'string') {
    assertOk(await appAction(s, 'scanned', publicId, phone));
    assertOk(await appAction(s, 'confirm', publicId, phone));
  } else {
    await phone(publicId, random);
  }
  const checked = await browser.request(`${s.url}/api/v2/qrcode/check?random=${random}`);
  const ticket = JSON.parse(checked.body).data.ticket as string;
  assert.equal(typeof ticket, 'string', `no ticket: ${checked.body}`);
  const done = await browser.pageCall(s, `/oidc/interaction/${uid}/qr`, { ticket });
  assert.equal(done.body.code, 200, JSON.stringify(done.body));
  return { redirectTo: done.body.data.redirectTo as string, random };
}

/**
 * The whole browser side of an authorization: open the authorization URL,
 * land on the sign-in page, sign in by QR, and follow the provider to the
 * redirect URI. Returns the callback URL the RP receives.
 */
export async function authorize(
  s: TestServer,
  browser: Browser,
  url: URL,
  clientId: string,
  phone: string | ((publicId: string, random: string) => Promise<void>),
): Promise<URL> {
  const page = await browser.follow(url, s.url);
  assert.equal(page.status, 200, `expected the sign-in page, got ${page.status} ${page.body.slice(0, 300)}`);
  assert.match(page.body, /Sign in to/);
  const { redirectTo } = await qrSignIn(s, browser, page.url, clientId, phone);
  const back = await browser.follow(redirectTo, s.url);
  assert.ok(
    back.location,
    `expected a redirect to the client, got ${back.status} ${back.body.slice(0, 300)}`,
  );
  return new URL(back.location);
}

export interface DeviceAuthorization {
  device_code: string;
  user_code: string;
  verification_uri: string;
  verification_uri_complete: string;
  expires_in: number;
  interval: number;
}

/** What a device does first (RFC 8628 §3.1), as a confidential client (HTTP Basic) or a public one. */
export async function deviceAuthorization(
  s: TestServer,
  clientId: string,
  secret: string | null,
  opts: { scope?: string; userAgent?: string; forwardedFor?: string } = {},
): Promise<DeviceAuthorization> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  const form = new URLSearchParams({ scope: opts.scope ?? 'openid profile' });
  if (secret === null) form.set('client_id', clientId);
  else headers.authorization = `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`;
  if (opts.userAgent) headers['user-agent'] = opts.userAgent;
  if (opts.forwardedFor) headers['x-forwarded-for'] = opts.forwardedFor;
  const res = await fetch(`${s.url}/oidc/device/auth`, { method: 'POST', headers, body: form });
  const body = (await res.json()) as DeviceAuthorization;
  assert.equal(res.status, 200, JSON.stringify(body));
  return body;
}

/** One poll of the token endpoint by the device; returns the status and the OAuth answer. */
export async function devicePoll(
  s: TestServer,
  clientId: string,
  secret: string | null,
  deviceCode: string,
): Promise<{ status: number; body: Json }> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  const form = new URLSearchParams({
    grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
    device_code: deviceCode,
  });
  if (secret === null) form.set('client_id', clientId);
  else headers.authorization = `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`;
  const res = await fetch(`${s.url}/oidc/token`, { method: 'POST', headers, body: form });
  return { status: res.status, body: await res.json() };
}

/** The companion's "Enter a code" call. */
export function resolveCode(
  s: TestServer,
  token: string,
  code: string,
  headers: Record<string, string> = {},
) {
  return call(s.url, 'POST', '/api/v2/codes/resolve', {
    body: { code },
    headers: { authorization: `Bearer ${token}`, ...headers },
    jar: false,
  });
}

/** The companion's Approve or Deny of a device's request. */
export function deviceDecision(
  s: TestServer,
  token: string,
  decision: 'approve' | 'deny',
  userCode: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
) {
  return call(s.url, 'POST', `/api/v2/device/${decision}`, {
    body: { userCode, ...extra },
    headers: { authorization: `Bearer ${token}`, ...headers },
    jar: false,
  });
}
