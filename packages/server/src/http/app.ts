import { randomUUID } from 'node:crypto';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ErrorCodes, openApiDocument, routes, transformOpenApiDocument } from '@scanlogin/protocol';
import Fastify, { type FastifyReply, type FastifyServerOptions, LogController } from 'fastify';
import { parseTrustProxy } from '../config/schema.js';
import { ServiceError } from '../domain/errors.js';
import { type Detail, detail } from '../domain/messages.js';
import type { Services } from '../services.js';
import { VERSION } from '../version.js';
import { requireAdmin } from './admin-auth.js';
import { companionDirOf, mountCompanion } from './companion.js';
import { registerCors } from './cors.js';
import { errorEnvelope } from './envelope.js';
import { registerErrorHandling } from './errors.js';
import { HeldRequests } from './held-requests.js';
import { answerLang, DEFAULT_LANG } from './lang.js';
import { registerMetrics } from './metrics.js';
import { operation, type TypedApp } from './route.js';
import adminAppRoutes from './routes/admin/apps.js';
import adminAuditRoutes from './routes/admin/audit.js';
import adminKeyRoutes from './routes/admin/keys.js';
import adminPoolRoutes from './routes/admin/pools.js';
import adminUserRoutes from './routes/admin/users.js';
import appSessionRoutes from './routes/app-sessions.js';
import graphqlLoginRoute from './routes/graphql-login.js';
import healthRoutes from './routes/health.js';
import jwksRoute from './routes/jwks.js';
import loginAccountRoute from './routes/login-account.js';
import logoutRoutes from './routes/logout.js';
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
    /** The status streams and long-polls this process holds, per client address. */
    heldRequests: HeldRequests;
  }
}

type Route = (app: TypedApp, s: Services) => void;

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
  graphqlLoginRoute,
  logoutRoutes,
  appSessionRoutes,
  wellKnownRoute,
  jwksRoute,
  openidConfigurationRoute,
  tokenValidateRoute,
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

export interface HttpOptions {
  logger?: FastifyServerOptions['logger'];
  https?: { key: Buffer; cert: Buffer } | null;
  /**
   * Whether the start is complete; until then readiness answers 503. The
   * server listens before it makes the first-start data (see startServer).
   */
  started?: () => boolean;
}

/**
 * Whether log lines are for people: LOG_FORMAT=pretty, or `auto` (the
 * default) when the output is a terminal. A service manager, a container
 * runtime or a pipe gets JSON, one object per line, for its collector.
 */
export function prettyLogs(format: string, stdoutIsTerminal = process.stdout.isTTY === true): boolean {
  return format === 'pretty' || (format === 'auto' && stdoutIsTerminal);
}

/**
 * The service's logger: `loggerOptions`, written as JSON or, for people, as
 * readable lines through pino-pretty. The same serializers and redaction run
 * first either way: the pretty printer formats what JSON would have carried.
 * pino-pretty is loaded only then, so a JSON-logging process never loads it.
 */
export async function serviceLogger(
  level: string,
  format: string,
  stdoutIsTerminal = process.stdout.isTTY === true,
): Promise<FastifyServerOptions['logger']> {
  const base = loggerOptions(level);
  if (!base || !prettyLogs(format, stdoutIsTerminal)) return base;
  const { default: pretty } = await import('pino-pretty');
  const stream = pretty({
    colorize: stdoutIsTerminal,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname',
    singleLine: true,
    sync: true,
  });
  return { ...(base as object), stream } as FastifyServerOptions['logger'];
}

export async function buildHttp(s: Services, opts: HttpOptions = {}) {
  const app = Fastify({
    // TLS (see ../tls.ts) changes only the server underneath; routes and hooks are the same.
    ...(opts.https ? { https: opts.https } : {}),
    logger: opts.logger ?? (await serviceLogger(s.config.logLevel, s.config.logFormat)),
    // Fastify's per-request lines would log raw URLs; ours (onResponse below) logs route patterns.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: s.config.bodyLimit,
    trustProxy: trustProxyOf(s.config.trustProxy),
    genReqId: requestIds(),
    requestIdHeader: false,
    return503OnClosing: true,
    // Wrong types are errors, not something to coerce; unknown fields are ignored
    // because authing-js-sdk sends fields we do not use.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } },
    // Errors raised before routing still leave in the envelope.
    frameworkErrors: (_error, request, reply: FastifyReply) => {
      const lang = answerLang(request, reply);
      reply
        .code(400)
        .header('cache-control', 'no-store')
        .send(errorEnvelope('INVALID_REQUEST', lang, detail('malformedUrl')));
    },
    clientErrorHandler: (error: Error & { code?: string }, socket) => {
      if (!socket.writable) return;
      const name = error.code === 'HPE_HEADER_OVERFLOW' ? 'HEADERS_TOO_LARGE' : 'INVALID_REQUEST';
      // No request was parsed, so no language was asked for: the default one.
      const body = JSON.stringify(errorEnvelope(name, DEFAULT_LANG));
      // Written by hand (Fastify never saw a request), with the headers every other answer carries.
      const headers = {
        'content-type': 'application/json; charset=utf-8',
        'content-length': String(Buffer.byteLength(body)),
        ...DEFAULT_HEADERS,
        connection: 'close',
      };
      socket.end(
        `HTTP/1.1 ${ErrorCodes[name].status} ${name === 'INVALID_REQUEST' ? 'Bad Request' : 'Request Header Fields Too Large'}\r\n` +
          Object.entries(headers)
            .map(([k, v]) => `${k}: ${v}\r\n`)
            .join('') +
          `\r\n${body}`,
      );
    },
  } as FastifyServerOptions).withTypeProvider<TypeBoxTypeProvider>();

  // JSON only: Fastify would otherwise parse text/plain and let it reach validation.
  app.removeContentTypeParser('text/plain');

  // The hooks every request passes are callback-style and synchronous: an async hook costs a
  // promise and a microtask turn per request, which shows on the polling path.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    reply.headers(DEFAULT_HEADERS);
    done();
  });
  // One rule for all text, whatever stores it: PostgreSQL cannot hold NUL in text and turns a lone
  // surrogate into U+FFFD while SQLite keeps both, so they are refused up front on every backend.
  app.addHook('preValidation', (request, _reply, done) => {
    const problem = badText(request.body) ?? badText(request.query) ?? badText(request.params);
    done(problem ? new ServiceError('INVALID_REQUEST', problem) : undefined);
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
  app.decorate('heldRequests', new HeldRequests(s.config.heldPerIp));
  app.addHook('preClose', async () => shutdown.abort());
  app.decorate('metrics', null);
  app.decorate('metricsUrl', null);
  if (s.config.metricsPort !== '') registerMetrics(app, s);

  registerErrorHandling(app);
  registerCors(app, s.directory, (random) => s.qr.stoppedCodeOrigin(random));
  // The API document: the paths come from the route schemas as the routes register.
  await app.register(swagger, {
    openapi: openApiDocument({ publicUrl: s.config.publicUrl, version: VERSION }),
    transformObject: transformOpenApiDocument,
  });
  app.route({
    ...operation(routes.openApiDocument),
    handler: async () => app.swagger() as unknown as Record<string, unknown>,
  });
  // Rendered for people; its pages and assets are not part of the API (so not in the document).
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true, uiConfig: { deepLinking: true } });
  for (const route of publicRoutes) route(app, s);
  healthRoutes(app, s, opts.started ?? (() => true));
  const companionDir = companionDirOf(s.config.companion);
  if (companionDir) mountCompanion(app, companionDir);
  await app.register(async (scope) => {
    requireAdmin(scope, s);
    for (const route of adminRoutes) route(scope, s);
  });
  return app;
}

/**
 * TRUST_PROXY (validated at load; never `true`) as Fastify's `trustProxy`. A
 * hop count becomes "the first N addresses of the chain are proxies", which
 * Fastify itself no longer offers because it cannot tell a proxy from a client
 * that connects directly: it is only sound when the service is reachable
 * through those proxies alone, as docs/deployment.md says. Addresses are
 * checked one by one instead (proxy-addr).
 */
export function trustProxyOf(
  setting: string,
): false | string[] | ((address: string, hop: number) => boolean) {
  const parsed = parseTrustProxy(setting);
  if (typeof parsed === 'number') return (_address, hop) => hop < parsed;
  if (typeof parsed === 'string') throw new Error(`TRUST_PROXY: ${parsed}`);
  return parsed;
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

/**
 * On every answer, the error written at the socket included. Answers are not
 * cached unless their route says otherwise (the keys, the discovery document,
 * the companion's files): most carry personal data or one-time values, and a
 * route that forgets to say so must not leak into a shared cache.
 */
const DEFAULT_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cache-control': 'no-store',
};

const NUL = detail('textHasNul');
const LONE_SURROGATE = detail('textHasLoneSurrogate');
const TOO_DEEP = detail('jsonTooDeep');

// ES2024, in Node since 20; the project's TypeScript lib stops at ES2023.
const isWellFormed = (s: string): boolean => (s as unknown as { isWellFormed(): boolean }).isWellFormed();

function badString(s: string): Detail | null {
  if (s.includes('\u0000')) return NUL;
  return isWellFormed(s) ? null : LONE_SURROGATE;
}

/** Why a decoded JSON value (its strings and keys, at any depth) is not acceptable text; null if it is. */
function badText(value: unknown, depth = 0): Detail | null {
  if (typeof value === 'string') return badString(value);
  if (typeof value !== 'object' || value === null) return null;
  if (depth > 64) return TOO_DEEP;
  for (const k in value) {
    const problem = badString(k) ?? badText((value as Record<string, unknown>)[k], depth + 1);
    if (problem) return problem;
  }
  return null;
}
