import { randomUUID } from 'node:crypto';
import { ErrorCodes } from '@scanlogin/protocol';
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyServerOptions,
  LogController,
} from 'fastify';
import { ServiceError } from '../domain/errors.js';
import type { Services } from '../services.js';
import { requireAdmin } from './admin-auth.js';
import { registerCors } from './cors.js';
import { errorEnvelope } from './envelope.js';
import { registerErrorHandling } from './errors.js';
import adminAppRoutes from './routes/admin/apps.js';
import adminAuditRoutes from './routes/admin/audit.js';
import adminKeyRoutes from './routes/admin/keys.js';
import adminPoolRoutes from './routes/admin/pools.js';
import adminUserRoutes from './routes/admin/users.js';
import healthRoute from './routes/health.js';
import jwksRoute from './routes/jwks.js';
import loginAccountRoute from './routes/login-account.js';
import oidcRoutes from './routes/oidc/index.js';
import openidConfigurationRoute from './routes/openid-configuration.js';
import cancelRoute from './routes/qrcode-cancel.js';
import checkRoute from './routes/qrcode-check.js';
import confirmRoute from './routes/qrcode-confirm.js';
import contextRoute from './routes/qrcode-context.js';
import eventsRoute from './routes/qrcode-events.js';
import geneRoute from './routes/qrcode-gene.js';
import historyRoute from './routes/qrcode-history.js';
import imageRoute from './routes/qrcode-image.js';
import rotateRoute from './routes/qrcode-rotate.js';
import scannedRoute from './routes/qrcode-scanned.js';
import stepUpRoute from './routes/qrcode-step-up.js';
import userinfoRoute from './routes/qrcode-userinfo.js';
import tokenValidateRoute from './routes/token-validate.js';
import webSessionRoutes from './routes/web-sessions.js';
import wellKnownRoute from './routes/well-known.js';

declare module 'fastify' {
  interface FastifyInstance {
    shutdownSignal: AbortSignal;
  }
}

type Route = (app: FastifyInstance, s: Services) => void;

const publicRoutes: Route[] = [
  geneRoute,
  rotateRoute,
  checkRoute,
  eventsRoute,
  contextRoute,
  historyRoute,
  webSessionRoutes,
  imageRoute,
  scannedRoute,
  confirmRoute,
  cancelRoute,
  stepUpRoute,
  userinfoRoute,
  loginAccountRoute,
  wellKnownRoute,
  jwksRoute,
  openidConfigurationRoute,
  tokenValidateRoute,
  healthRoute,
  oidcRoutes,
];
const adminRoutes: Route[] = [
  adminPoolRoutes,
  adminAppRoutes,
  adminUserRoutes,
  adminKeyRoutes,
  adminAuditRoutes,
];

/** Logger settings: one line per request, never a query string, header value or body. */
export function loggerOptions(level: string): FastifyServerOptions['logger'] {
  // Silent means no logger at all: Fastify then skips making a child logger for every request.
  if (level === 'silent') return false;
  return {
    level,
    redact: { paths: ['req.headers', 'headers.authorization', 'headers.cookie'], remove: true },
    serializers: {
      req: (req: { method: string; routeOptions?: { url?: string }; url: string; id: string }) => ({
        method: req.method,
        // The route pattern, not the URL: query strings carry QR ids and must stay out of logs.
        route: req.routeOptions?.url ?? req.url.split('?')[0],
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  };
}

export async function buildHttp(
  s: Services,
  opts: { logger?: FastifyServerOptions['logger']; https?: { key: Buffer; cert: Buffer } | null } = {},
) {
  const app = Fastify({
    // TLS (see ../tls.ts) changes only the server underneath; routes and hooks are the same.
    ...(opts.https ? { https: opts.https } : {}),
    logger: opts.logger ?? loggerOptions(s.config.logLevel),
    // Fastify's per-request lines would log raw URLs; ours (onResponse below) logs route patterns.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: s.config.bodyLimit,
    trustProxy: s.config.trustProxy,
    genReqId: requestIds(),
    requestIdHeader: false,
    return503OnClosing: true,
    // Wrong types are errors, not something to coerce; unknown fields are ignored
    // because the seeds' SDK sends fields we do not use.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } },
    // Errors raised before routing still leave in the envelope.
    frameworkErrors: (_error, _request, reply: FastifyReply) => {
      reply
        .code(400)
        .header('cache-control', 'no-store')
        .send(errorEnvelope('INVALID_REQUEST', 'The URL is malformed.'));
    },
    clientErrorHandler: (error: Error & { code?: string }, socket) => {
      if (!socket.writable) return;
      const name = error.code === 'HPE_HEADER_OVERFLOW' ? 'HEADERS_TOO_LARGE' : 'INVALID_REQUEST';
      const body = JSON.stringify(errorEnvelope(name));
      socket.end(
        `HTTP/1.1 ${ErrorCodes[name].status} ${name === 'INVALID_REQUEST' ? 'Bad Request' : 'Request Header Fields Too Large'}\r\n` +
          `content-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
          `cache-control: no-store\r\nconnection: close\r\n\r\n${body}`,
      );
    },
  } as FastifyServerOptions);

  // JSON only: Fastify would otherwise parse text/plain and let it reach validation.
  app.removeContentTypeParser('text/plain');

  // The hooks every request passes are callback-style and synchronous: an async hook costs a
  // promise and a microtask turn per request, which shows on the polling path.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    reply.headers(SECURITY_HEADERS);
    done();
  });
  // NUL characters are never meaningful in this API, and PostgreSQL cannot store them in text:
  // refuse them up front, the same way on every backend.
  app.addHook('preValidation', (request, _reply, done) => {
    if (containsNul(request.body) || containsNul(request.query) || containsNul(request.params)) {
      done(
        new ServiceError(
          'INVALID_REQUEST',
          'Text must not contain NUL (U+0000) characters, nor JSON nest deeper than 64 levels.',
        ),
      );
      return;
    }
    done();
  });
  // The request line is logged at info; below that level the hook would only cost time.
  if (['trace', 'debug', 'info'].includes(app.log.level)) {
    app.addHook('onResponse', (request, reply, done) => {
      request.log.info(
        { req: request, res: reply, ms: Math.round(reply.elapsedTime * 10) / 10 },
        'request completed',
      );
      done();
    });
  }

  // Held requests (SSE streams, long-polls) listen to this and end when the server closes.
  const shutdown = new AbortController();
  app.decorate('shutdownSignal', shutdown.signal);
  app.addHook('preClose', async () => shutdown.abort());

  registerErrorHandling(app);
  registerCors(app, s.directory);
  for (const route of publicRoutes) route(app, s);
  await app.register(async (scope) => {
    requireAdmin(scope, s);
    for (const route of adminRoutes) route(scope, s);
  });
  return app;
}

/**
 * Request ids for log lines and `x-request-id`: a random prefix per process and
 * a counter, unique without drawing randomness on every request.
 */
function requestIds(): () => string {
  const prefix = randomUUID().slice(0, 13);
  let n = 0;
  return () => `${prefix}-${(++n).toString(36).padStart(6, '0')}`;
}

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

/** Whether any string in a decoded JSON value (or a key) holds U+0000; absurd nesting counts too. */
function containsNul(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (typeof value !== 'object' || value === null) return false;
  if (depth > 64) return true;
  for (const k in value) {
    if (k.includes('\u0000') || containsNul((value as Record<string, unknown>)[k], depth + 1)) return true;
  }
  return false;
}
