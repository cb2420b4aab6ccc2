/**
 * Prometheus metrics (prom-client), when METRICS_PORT is set: what the HTTP
 * layer sees (requests by route pattern and status with their latency,
 * rate-limit refusals, storage errors, held streams), how QR logins end, how
 * many codes wait, and the process's own (event-loop lag, memory, CPU, file
 * descriptors) from prom-client's defaults.
 *
 * They are served on a listener of their own (METRICS_HOST:METRICS_PORT),
 * never on the API's port: a proxy that publishes the API does not publish
 * them. Labels take bounded values only: route patterns (never a URL, which
 * carries QR ids), status codes, registry names, fixed words.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import Fastify from 'fastify';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { ServiceError, StorageUnavailableError } from '../domain/errors.js';
import type { QrLoginEnd } from '../domain/qr-login/service.js';
import type { Services } from '../services.js';
import { listenStartError } from '../start-error.js';
import { VERSION } from '../version.js';
import type { HeldKind } from './held-requests.js';

/** Where a storage error was met: answering a request, in housekeeping (sweeps, key reloads), or counting for a scrape. */
export type StorageErrorSource = 'request' | 'housekeeping' | 'metrics';

export interface Metrics {
  registry: Registry;
  storageErrors: Counter<'source'>;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The metrics of this service, when METRICS_PORT is set; else null. */
    metrics: Metrics | null;
    /** Where the metrics listener answers (`http://host:port/metrics`) once listening; else null. */
    metricsUrl: string | null;
  }
}

const OUTCOMES: readonly QrLoginEnd[] = ['approved', 'denied', 'expired', 'redeemed'];
const HELD: readonly HeldKind[] = ['event_stream', 'long_poll'];
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
/** Refusals that mean "slow down": the rate limits, held-request caps and the login throttle. */
const REFUSALS = new Set(['RATE_LIMITED', 'TOO_MANY_LOGIN_ATTEMPTS']);

/**
 * Collects the service's metrics on `app` (call before routes are registered,
 * so the hooks cover them all; `metrics` and `metricsUrl` decorated already)
 * and serves them on their own listener, opened when `app` gets ready and
 * closed with it.
 */
export function registerMetrics(app: FastifyInstance, s: Services): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  new Gauge({
    name: 'scanlogin_build_info',
    help: 'The running version (always 1).',
    labelNames: ['version'],
    registers: [registry],
  }).set({ version: VERSION }, 1);

  const requests = new Histogram({
    name: 'scanlogin_http_request_duration_seconds',
    help: 'HTTP requests by method, route pattern and status, and how long they took (held streams and long-polls included).',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  const refusals = new Counter({
    name: 'scanlogin_rate_limit_refusals_total',
    help: 'Requests refused with 429: rate limits and held-request caps (rate_limited), the login throttle (too_many_login_attempts).',
    labelNames: ['route', 'reason'],
    registers: [registry],
  });
  const storageErrors = new Counter({
    name: 'scanlogin_storage_errors_total',
    help: 'Storage backends that did not answer: in a request (answered 503), in housekeeping (sweeps, key reloads), or while counting for a scrape.',
    labelNames: ['source'],
    registers: [registry],
  });
  for (const source of ['request', 'housekeeping', 'metrics'] satisfies StorageErrorSource[]) {
    storageErrors.inc({ source }, 0);
  }

  const logins = new Counter({
    name: 'scanlogin_qr_logins_total',
    help: 'QR logins by how they ended: approved or denied on the phone, redeemed by the website, expired undecided (counted when the sweep removes the code, within a minute). Each is counted by one instance: sum over instances.',
    labelNames: ['outcome'],
    registers: [registry],
  });
  for (const outcome of OUTCOMES) logins.inc({ outcome }, 0);
  const stopCounting = s.qr.onEnd((outcome, count) => logins.inc({ outcome }, count));

  const waiting = new Gauge({
    name: 'scanlogin_qr_codes_waiting',
    help: 'QR codes waiting for a scan or a decision, read from the storage at each scrape. With PostgreSQL + Redis every instance reports the same shared number: use max(), not sum().',
    registers: [registry],
  });
  // Read before the registry is serialized (not in a `collect`, which runs alongside the other
  // metrics' serialization), so a failure shows in the storage errors of the same scrape. A storage
  // that does not answer must not fail the scrape: the gauge keeps its last value.
  const beforeScrape = async () => {
    try {
      waiting.set(await s.qr.countWaiting());
    } catch {
      storageErrors.inc({ source: 'metrics' });
    }
  };
  new Gauge({
    name: 'scanlogin_held_requests',
    help: 'Status streams (Server-Sent Events) and long-polls this instance holds open now.',
    labelNames: ['kind'],
    registers: [registry],
    collect() {
      for (const kind of HELD) this.set({ kind }, app.heldRequests.total(kind));
    },
  });

  // Synchronous callback hooks, as on the rest of the request path (see app.ts).
  app.addHook('onResponse', (request, reply, done) => {
    requests.observe(
      {
        method: METHODS.has(request.method) ? request.method : 'OTHER',
        // The pattern, never the URL; requests no route matched share one label.
        route: request.routeOptions.url ?? 'unmatched',
        status: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
    done();
  });
  app.addHook('onError', (request, _reply, error, done) => {
    if (error instanceof ServiceError && REFUSALS.has(error.errorName)) {
      refusals.inc({ route: request.routeOptions.url ?? 'unmatched', reason: error.errorName.toLowerCase() });
    } else if (error instanceof StorageUnavailableError) {
      storageErrors.inc({ source: 'request' });
    }
    done();
  });

  const metrics: Metrics = { registry, storageErrors };
  app.metrics = metrics;
  const listener = metricsListener(registry, s.config.metricsToken, beforeScrape);
  // Opened when the service gets ready (before its own port): a metrics port that is taken stops the start.
  app.addHook('onReady', async () => {
    const host = s.config.metricsHost;
    const port = Number(s.config.metricsPort);
    try {
      await listener.listen({ host, port });
    } catch (err) {
      throw listenStartError(host, port, err, 'METRICS_PORT');
    }
    const address = listener.server.address();
    const bound = typeof address === 'object' && address ? address.port : port;
    app.metricsUrl = `http://${host.includes(':') ? `[${host}]` : host}:${bound}/metrics`;
  });
  app.addHook('onClose', async () => {
    stopCounting();
    await listener.close();
  });
  return metrics;
}

/** The metrics listener: GET /metrics in Prometheus' text format, behind a bearer token when one is set. */
function metricsListener(
  registry: Registry,
  token: string,
  beforeScrape: () => Promise<void>,
): FastifyInstance {
  const listener = Fastify({ logger: false });
  const expected = token ? digest(token) : null;
  listener.get('/metrics', async (request, reply) => {
    reply.header('cache-control', 'no-store');
    if (expected) {
      const given = /^Bearer (\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
      if (!given || !timingSafeEqual(digest(given), expected)) {
        return reply
          .code(401)
          .header('www-authenticate', 'Bearer realm="metrics"')
          .type('text/plain; charset=utf-8')
          .send('A bearer token is required (METRICS_TOKEN).\n');
      }
    }
    await beforeScrape();
    return reply.type(registry.contentType).send(await registry.metrics());
  });
  return listener;
}

/** Compared as fixed-length digests, in constant time whatever the lengths. */
const digest = (text: string) => createHash('sha256').update(text).digest();
