import type { FastifyReply, FastifyRequest } from 'fastify';
import { sha256Hex } from '../domain/directory/service.js';
import { randomToken } from '../domain/ids.js';

/**
 * The browser binding (docs/security.md, mitigation 1). The browser that asks
 * for a code holds a secret; only a reader holding it sees the ticket. The
 * secret travels as an HttpOnly cookie scoped to the QR API, so the seeds' SDK
 * (axios with `withCredentials`) carries it without knowing; our SDK may also
 * send it as a header, or as a query parameter where it cannot set headers
 * (EventSource). One secret per browser, reused across its codes.
 */
export const BINDING_COOKIE = 'scanlogin_binding';
export const BINDING_HEADER = 'x-scanlogin-binding';
const SHAPE = /^[A-Za-z0-9_-]{43}$/;

function fromCookie(request: FastifyRequest): string | null {
  const header = request.headers.cookie;
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === BINDING_COOKIE) return part.slice(eq + 1).trim();
  }
  return null;
}

/** The binding secret the request carries (header, cookie, or `binding` query), if well-formed. */
export function bindingOf(request: FastifyRequest): string | null {
  const h = request.headers[BINDING_HEADER];
  const q = (request.query as { binding?: unknown } | undefined)?.binding;
  for (const v of [typeof h === 'string' ? h : null, fromCookie(request), typeof q === 'string' ? q : null]) {
    if (v && SHAPE.test(v)) return v;
  }
  return null;
}

export function bindingHashOf(request: FastifyRequest): string | null {
  const b = bindingOf(request);
  return b ? sha256Hex(b) : null;
}

/** Reuses the browser's binding or mints one, and (re)sets the cookie. Returns the secret. */
export function issueBinding(request: FastifyRequest, reply: FastifyReply): string {
  const secret = bindingOf(request) ?? randomToken(32);
  // Cross-site pages need SameSite=None, which browsers accept only with Secure (HTTPS);
  // Partitioned keeps it working where third-party cookies are otherwise blocked.
  const attrs = request.protocol === 'https' ? 'SameSite=None; Secure; Partitioned' : 'SameSite=Lax';
  reply.header('set-cookie', `${BINDING_COOKIE}=${secret}; Path=/api/v2/qrcode; HttpOnly; ${attrs}`);
  return secret;
}
