import { routes } from '@scanlogin/protocol';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { DirectoryService } from '../domain/directory/service.js';

/** The routes a page reads its code's status from (see `stoppedCodeOrigin` below). */
const STATUS_ROUTES = new Set<string>([routes.qrcodeCheck.url, routes.qrcodeEvents.url]);

/** The origin that asked for a code the service has stopped (status 5), or null. */
export type StoppedCodeOrigin = (random: string) => Promise<string | null>;

const ALLOWED_HEADERS = [
  'content-type',
  'authorization',
  'x-authing-app-id',
  'x-authing-userpool-id',
  'x-authing-app-tenant-id',
  'x-authing-request-from',
  'x-authing-sdk-version',
  'x-authing-lang',
  'last-event-id',
  'x-scanlogin-binding',
].join(', ');

/** Routes anybody may read cross-origin without credentials (public keys, QR images). */
export const PUBLIC_CORS = Symbol('publicCors');

declare module 'fastify' {
  interface FastifyContextConfig {
    [PUBLIC_CORS]?: boolean;
  }
}

/**
 * Credentialed CORS, as authing-js-sdk needs it (axios with `withCredentials`):
 * the exact Origin is echoed with `Access-Control-Allow-Credentials: true`
 * only when the application named by `x-authing-app-id` lists that origin.
 * A preflight cannot carry that header's value, so it is answered for any
 * origin that some application allows; the real request is then checked
 * against its own application, and routes that act for an app (generate,
 * browser exchange) refuse foreign origins outright.
 *
 * One exception keeps a page from hanging: when its application is deleted
 * while a code waits, the code stops (status 5), but the origin is then
 * allowed by no application, and a browser would hide the answer that says
 * why (authing-js-sdk would see a bare network error). So the status routes
 * also answer the origin that asked for a code the service stopped: that
 * answer holds only the reason, never a ticket or a user.
 */
export function registerCors(
  app: FastifyInstance,
  directory: DirectoryService,
  stoppedCodeOrigin: StoppedCodeOrigin = async () => null,
): void {
  // Callback-style: most requests carry no Origin and leave without a promise.
  app.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => {
    const origin = request.headers.origin;
    if (request.routeOptions.config?.[PUBLIC_CORS]) {
      reply.header('access-control-allow-origin', '*');
      reply.header('cross-origin-resource-policy', 'cross-origin');
      return done();
    }
    if (!origin) return done();
    reply.header('vary', 'Origin');
    allowedToRead(request, directory, stoppedCodeOrigin, origin).then((allowed) => {
      if (allowed) {
        reply.header('access-control-allow-origin', origin);
        reply.header('access-control-allow-credentials', 'true');
        reply.header('access-control-expose-headers', 'retry-after, x-request-id');
      }
      done();
    }, done);
  });

  app.options('*', async (request, reply) => {
    const origin = request.headers.origin;
    reply.header('vary', 'Origin');
    if (origin && (await directory.isOriginAllowed(origin))) {
      reply.header('access-control-allow-origin', origin);
      reply.header('access-control-allow-credentials', 'true');
      reply.header('access-control-allow-methods', 'GET, POST, PATCH, DELETE, OPTIONS');
      reply.header('access-control-allow-headers', ALLOWED_HEADERS);
      reply.header('access-control-max-age', '600');
    }
    return reply.code(204).send();
  });
}

async function allowedToRead(
  request: FastifyRequest,
  directory: DirectoryService,
  stoppedCodeOrigin: StoppedCodeOrigin,
  origin: string,
): Promise<boolean> {
  if (await originAllowedFor(request, directory, origin)) return true;
  const random = (request.query as { random?: unknown } | undefined)?.random;
  if (!STATUS_ROUTES.has(request.routeOptions.url ?? '') || typeof random !== 'string') return false;
  return (await stoppedCodeOrigin(random)) === origin;
}

async function originAllowedFor(request: FastifyRequest, directory: DirectoryService, origin: string) {
  const appId = request.headers['x-authing-app-id'];
  if (typeof appId === 'string' && appId) {
    const app = await directory.getApp(appId);
    return app?.allowedOrigins.includes(origin) ?? false;
  }
  return directory.isOriginAllowed(origin);
}
