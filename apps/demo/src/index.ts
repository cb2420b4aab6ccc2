/**
 * The demo website: a login page with the QR widget, a backend that redeems
 * the ticket server-side with the app secret, its own HttpOnly session cookie
 * (holding the website token minted for it), and a protected page whose every
 * request verifies that token against the service's JWKS.
 */
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import fastifyCookie from '@fastify/cookie';
import { createVerifier, TokenVerificationError } from '@scanlogin/verify';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { loginPage, type Profile, profilePage } from './pages.js';

export interface DemoOptions {
  /** Where the browser reaches the Scanlogin service (the SDK's appHost). */
  appHost: string;
  /** Where this backend reaches the service; defaults to appHost. */
  serviceUrl?: string;
  /** The token issuer (the service's PUBLIC_URL); defaults to appHost. */
  issuer?: string;
  appId: string;
  appSecret: string;
  host?: string;
  port?: number;
  /** The web SDK's IIFE bundle, served at /sdk/scanlogin.js. */
  sdkBundlePath: string;
}

export const SESSION_COOKIE = 'demo_session';

export async function startDemo(opts: DemoOptions) {
  const serviceUrl = opts.serviceUrl ?? opts.appHost;
  const verify = createVerifier({
    issuer: opts.issuer ?? opts.appHost,
    audience: opts.appId,
    jwksUrl: `${serviceUrl}/.well-known/jwks.json`,
    // Signing out from the phone ("Signed-in websites") must end this session at once.
    checkRevocation: true,
    serviceUrl,
  });
  // Profiles of live sessions, keyed by the token's session id. Only for display:
  // the session itself is the verified token in the cookie.
  const profiles = new Map<string, Profile>();
  const app = Fastify({ logger: false, bodyLimit: 4096 });
  // Cookies are parsed and written by @fastify/cookie (the `cookie` package), as a real site
  // would: a malformed value (a bad %-escape, say) comes back as it was sent, fails to verify,
  // and is simply no session. (Pinned to 11.0.x: 11.1 needs cookie@2, which needs Node 22.)
  await app.register(fastifyCookie);

  const sessionOf = async (request: FastifyRequest) => {
    const token = request.cookies[SESSION_COOKIE];
    if (!token) return null;
    try {
      return await verify(token);
    } catch (err) {
      if (err instanceof TokenVerificationError) return null;
      throw err;
    }
  };

  const html = (reply: FastifyReply, body: string) =>
    reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('x-frame-options', 'DENY')
      .send(body);

  app.get('/', async (request, reply) => reply.redirect((await sessionOf(request)) ? '/profile' : '/login'));

  app.get('/login', async (request, reply) => {
    if (await sessionOf(request)) return reply.redirect('/profile');
    return html(reply, loginPage({ appId: opts.appId, appHost: opts.appHost, sdkPath: '/sdk/scanlogin.js' }));
  });

  app.get('/sdk/scanlogin.js', async (_request, reply) =>
    reply.type('text/javascript; charset=utf-8').send(await readFile(opts.sdkBundlePath)),
  );

  app.post<{ Body: { ticket?: unknown } }>('/auth/ticket', async (request, reply) => {
    const ticket = request.body?.ticket;
    if (typeof ticket !== 'string' || !ticket || ticket.length > 256) {
      return reply.code(400).send({ message: 'ticket is required' });
    }
    // Server to server, proving we hold the app secret: the ticket alone is not enough.
    const res = await fetch(`${serviceUrl}/api/v2/qrcode/userinfo`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Basic ${Buffer.from(`${opts.appId}:${opts.appSecret}`).toString('base64')}`,
      },
      body: JSON.stringify({ ticket }),
    });
    const answer = (await res.json()) as {
      code: number;
      message: string;
      data: Record<string, unknown> | null;
    };
    if (answer.code !== 200 || !answer.data) return reply.code(401).send({ message: answer.message });
    const token = String(answer.data.token);
    const claims = await verify(token);
    profiles.set(claims.sid ?? claims.jti!, {
      sub: claims.sub,
      nickname: (answer.data.nickname as string | null) ?? null,
      photo: (answer.data.photo as string | null) ?? null,
      username: (answer.data.username as string | null) ?? null,
      email: (answer.data.email as string | null) ?? null,
    });
    const maxAge = Math.max(0, (claims.exp ?? 0) - Math.floor(Date.now() / 1000));
    reply.setCookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', path: '/', maxAge });
    return { ok: true };
  });

  app.get('/profile', async (request, reply) => {
    const claims = await sessionOf(request);
    if (!claims) return reply.redirect('/login');
    const profile = profiles.get(claims.sid ?? claims.jti!) ?? {
      sub: claims.sub,
      nickname: null,
      photo: null,
      username: null,
      email: null,
    };
    return html(reply, profilePage(profile, claims));
  });

  /** A JSON endpoint a page script could call; protected the same way. */
  app.get('/api/me', async (request, reply) => {
    const claims = await sessionOf(request);
    if (!claims) return reply.code(401).send({ message: 'not logged in' });
    return { sub: claims.sub, sid: claims.sid, exp: claims.exp };
  });

  app.post('/logout', async (request, reply) => {
    const claims = await sessionOf(request);
    if (claims) profiles.delete(claims.sid ?? claims.jti!);
    reply.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'lax', path: '/' });
    return reply.redirect('/login', 303);
  });

  await app.listen({ host: opts.host ?? '127.0.0.1', port: opts.port ?? 3001 });
  const { port } = app.server.address() as AddressInfo;
  return {
    app,
    url: `http://${opts.host === '0.0.0.0' ? '127.0.0.1' : (opts.host ?? '127.0.0.1')}:${port}`,
    close: () => app.close(),
  };
}
