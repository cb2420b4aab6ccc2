import type { FastifyReply, FastifyRequest } from 'fastify';
import { sha256Hex } from '../domain/directory/service.js';
import { randomToken } from '../domain/ids.js';
import type { BindingProof } from '../domain/qr-login/service.js';

/**
 * The browser binding (docs/security.md, mitigation 1). `gene` mints a fresh
 * secret for each code and stores its hash with it; only a reader holding
 * that secret sees the code's ticket, redeems it from a browser, or rotates
 * the code. The server never adopts a secret it did not mint for that code:
 * a value planted in a cookie, header or query (from a sibling subdomain,
 * over plain HTTP), or one the server minted for another code, opens nothing.
 *
 * The secret reaches the page two ways. Our SDK reads `binding` from the
 * `gene` answer and sends it as a header, or as a query parameter where it
 * cannot set headers (EventSource). authing-js-sdk only carries cookies
 * (axios with `withCredentials`), so the secret is also set as an HttpOnly
 * cookie named after the code: several codes in one browser (tabs) each keep
 * their own, and each lives as long as its code and ticket can. Over HTTPS the
 * name has the `__Host-` prefix (Secure, Path=/, no Domain), which no sibling
 * subdomain and no plain-HTTP page can set.
 */
export const BINDING_HEADER = 'x-scanlogin-binding';
/** A code's binding cookie is this prefix followed by the code's `random`. */
export const BINDING_COOKIE_PREFIX = 'scanlogin_binding_';
const HOST_PREFIX = '__Host-';
const SHAPE = /^[A-Za-z0-9_-]{43}$/;
/**
 * At most this many binding cookies are kept in one browser: each costs about
 * 90 bytes of every request to the service, and a page that keeps making
 * codes would otherwise pile them up for their whole lifetime.
 */
export const MAX_BINDING_COOKIES = 16;

/** A fresh binding secret (256 bits), for one code. */
export const newBinding = (): string => randomToken(32);

/** The request's cookies, in the order it sent them; a name may come more than once. */
function cookiesOf(request: FastifyRequest): [string, string][] {
  const header = request.headers.cookie;
  if (!header) return [];
  const out: [string, string][] = [];
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) out.push([part.slice(0, eq).trim(), part.slice(eq + 1).trim()]);
  }
  return out;
}

const isBindingCookie = (name: string) =>
  name.startsWith(BINDING_COOKIE_PREFIX) || name.startsWith(HOST_PREFIX + BINDING_COOKIE_PREFIX);

/**
 * What the request holds for a code: the hashes of every well-formed secret
 * it carries for it (the header, the `binding` query, and the code's cookie,
 * each copy of it: a cookie planted with a wider Domain or longer Path may be
 * sent beside the real one, and must not hide it). Computed only when a check
 * needs it.
 */
export function bindingProof(request: FastifyRequest): BindingProof {
  return (random) => {
    const names = [BINDING_COOKIE_PREFIX + random, HOST_PREFIX + BINDING_COOKIE_PREFIX + random];
    const header = request.headers[BINDING_HEADER];
    const query = (request.query as { binding?: unknown } | undefined)?.binding;
    const candidates = new Set<string>();
    for (const v of [header, query]) if (typeof v === 'string' && SHAPE.test(v)) candidates.add(v);
    for (const [name, value] of cookiesOf(request)) {
      if (names.includes(name) && SHAPE.test(value)) candidates.add(value);
    }
    return [...candidates].map(sha256Hex);
  };
}

/** The attributes of a binding cookie: `__Host-` rules over HTTPS, scoped to the QR API over HTTP. */
function cookieAttributes(secure: boolean): string {
  // Cross-site pages need SameSite=None, which browsers accept only with Secure (HTTPS);
  // Partitioned keeps it working where third-party cookies are otherwise blocked.
  return secure
    ? 'Path=/; HttpOnly; Secure; SameSite=None; Partitioned'
    : 'Path=/api/v2/qrcode; HttpOnly; SameSite=Lax';
}

/**
 * Sets the cookie carrying code `random`'s binding for `maxAgeSeconds`, and
 * expires the oldest binding cookies the browser sent beyond
 * {@link MAX_BINDING_COOKIES} (browsers send cookies of one path oldest first).
 */
export function setBindingCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  random: string,
  secret: string,
  maxAgeSeconds: number,
): void {
  const secure = request.protocol === 'https';
  const name = (secure ? HOST_PREFIX : '') + BINDING_COOKIE_PREFIX + random;
  const held = [...new Set(cookiesOf(request).map(([n]) => n))].filter(isBindingCookie);
  const expired = held
    .slice(0, Math.max(0, held.length - MAX_BINDING_COOKIES + 1))
    .map((n) => `${n}=; Max-Age=0; ${cookieAttributes(n.startsWith(HOST_PREFIX))}`);
  reply.header('set-cookie', [
    ...expired,
    `${name}=${secret}; Max-Age=${Math.max(1, Math.ceil(maxAgeSeconds))}; ${cookieAttributes(secure)}`,
  ]);
}
