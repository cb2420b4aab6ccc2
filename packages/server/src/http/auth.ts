import type { FastifyRequest } from 'fastify';
import { fail } from '../domain/errors.js';
import { detail } from '../domain/messages.js';
import type { AppRecord, AppSessionRecord, RequestContext, UserRecord } from '../domain/ports.js';
import type { TokenClaims } from '../domain/tokens/tokens.js';
import type { Services } from '../services.js';

/** The token of `Authorization: <token>` (Authing's sample) or `Authorization: Bearer <token>`. */
export function bearerToken(request: FastifyRequest): string | null {
  const h = request.headers.authorization;
  if (typeof h !== 'string' || !h) return null;
  const m = /^Bearer\s+(.+)$/i.exec(h);
  const token = (m ? m[1]! : h).trim();
  return token && !/^Basic\s/i.test(token) ? token : null;
}

/**
 * The signed-in app user behind the request: an `app` token from a password
 * login, whose app session is live (a signed-out token is refused here, on
 * every app call, from the moment its session ended).
 */
export async function requireAppUser(
  request: FastifyRequest,
  s: Services,
): Promise<{ user: UserRecord; claims: TokenClaims; session: AppSessionRecord }> {
  const token = bearerToken(request) ?? fail('LOGIN_REQUIRED');
  const claims = await s.tokens.verify(token);
  // A website's token must not approve further QR logins: only the phone's own does.
  if (claims.token_use !== 'app') fail('INVALID_TOKEN', detail('appTokenOnly'));
  const [session, found] = await Promise.all([
    s.appSessions.requireLive(claims),
    s.directory.getUser(claims.sub),
  ]);
  const user = found ?? fail('INVALID_TOKEN');
  if (user.blocked) fail('USER_BLOCKED');
  await s.limiter.hit(`app:user:${user.id}`, s.config.rateAppPerUser, 60_000);
  return { user, claims, session };
}

/** What the service observed of a request, as stored with a code or a sign-in (shown to the user later). */
export function requestContextOf(request: FastifyRequest): RequestContext {
  return {
    ip: request.ip,
    origin: headerValue(request, 'origin')?.slice(0, 512) ?? null,
    userAgent: headerValue(request, 'user-agent')?.slice(0, 512) ?? null,
  };
}

/** `Authorization: Basic base64(appId:appSecret)`, or null when the request has none. */
export function basicCredentials(request: FastifyRequest): { id: string; secret: string } | null {
  const h = request.headers.authorization;
  if (typeof h !== 'string') return null;
  const m = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(h.trim());
  if (!m) return null;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  if (i < 1) return null;
  return { id: decoded.slice(0, i), secret: decoded.slice(i + 1) };
}

/** The application proven by its secret (HTTP Basic); throws if absent or wrong. */
export async function requireAppSecret(request: FastifyRequest, s: Services): Promise<AppRecord> {
  const creds = basicCredentials(request) ?? fail('INVALID_APP_CREDENTIALS');
  const app = await s.directory.getApp(creds.id);
  // Same error for an unknown app and a wrong secret: ids are not secrets, but there is no need to confirm them.
  if (!app || !s.directory.verifyAppSecret(app, creds.secret)) return fail('INVALID_APP_CREDENTIALS');
  return app;
}

export function headerValue(request: FastifyRequest, name: string): string | undefined {
  const v = request.headers[name];
  return typeof v === 'string' && v ? v : undefined;
}

/** Refuses a browser request whose Origin the application does not list. Server calls have no Origin. */
export function assertOriginAllowed(request: FastifyRequest, app: AppRecord): void {
  const origin = request.headers.origin;
  if (origin && !app.allowedOrigins.includes(origin)) fail('ORIGIN_NOT_ALLOWED');
}
