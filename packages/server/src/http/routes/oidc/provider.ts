import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ServiceError } from '../../../domain/errors.js';
import { messagePage, PAGE_HEADERS } from '../../../oidc/pages.js';
import { OIDC_ROUTES } from '../../../oidc/provider.js';
import type { Services } from '../../../services.js';
import { forwardToProvider } from './forward.js';

/**
 * Limits in front of the provider, per client address: creating sign-in
 * requests (authorization, device authorization) as many as QR codes may be
 * created (RATE_GENE_PER_IP), and typing device codes into the verification
 * page 20 times a minute (RFC 8628 §5.1: the user code is short, so guesses
 * must be few).
 */
function limitFor(request: FastifyRequest, s: Services): [string, number] | null {
  const path = request.url.split('?')[0];
  const ip = request.ip;
  if (path === OIDC_ROUTES.code_verification && request.method === 'POST')
    return [`oidc:verify:ip:${ip}`, 20];
  if (path === OIDC_ROUTES.device_authorization && request.method === 'POST') {
    return [`oidc:device:ip:${ip}`, s.config.rateGenePerIp];
  }
  if (path === OIDC_ROUTES.authorization) return [`oidc:auth:ip:${ip}`, s.config.rateGenePerIp];
  return null;
}

async function limited(request: FastifyRequest, reply: FastifyReply, s: Services): Promise<boolean> {
  const limit = limitFor(request, s);
  if (!limit) return false;
  try {
    await s.limiter.hit(limit[0], limit[1], 60_000);
    return false;
  } catch (err) {
    if (!(err instanceof ServiceError) || err.errorName !== 'RATE_LIMITED') throw err;
    const retryAfter = err.headers?.['retry-after'] ?? '60';
    reply.code(429).headers({ ...PAGE_HEADERS, 'retry-after': retryAfter });
    // The device authorization endpoint speaks OAuth JSON; the others are pages.
    if (request.url.startsWith(OIDC_ROUTES.device_authorization)) {
      reply
        .header('content-type', 'application/json')
        .send({ error: 'slow_down', error_description: err.message });
    } else {
      reply.send(messagePage('Too many requests', `Wait ${retryAfter} seconds, then try again.`));
    }
    return true;
  }
}

/**
 * Everything under /oidc/ that is not ours (the interaction pages and assets
 * are registered as their own routes and win) goes to oidc-provider, body
 * unread: the provider parses its own requests.
 */
export default function oidcProviderRoutes(app: FastifyInstance, s: Services): void {
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null));
    scope.route({
      method: ['GET', 'POST', 'OPTIONS', 'PUT', 'DELETE', 'HEAD'],
      url: '/oidc/*',
      // The provider's own endpoints: its discovery document describes them, not our OpenAPI document.
      schema: { hide: true },
      handler: async (request, reply) => {
        // The provider's router would take GET /oidc/device/auth for a device sign-in resuming
        // (GET /oidc/device/:uid) and fail on it; the endpoint is POST only (RFC 8628 §3.1).
        if (request.url.split('?')[0] === OIDC_ROUTES.device_authorization && request.method === 'GET') {
          return reply
            .code(405)
            .header('allow', 'POST')
            .header('cache-control', 'no-store')
            .send({ error: 'invalid_request', error_description: 'use POST' });
        }
        if (await limited(request, reply, s)) return reply;
        forwardToProvider(request, reply, s);
        return reply;
      },
    });
  });
}
