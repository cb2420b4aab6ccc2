import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../../services.js';

/**
 * Tells the provider what the service itself decided about the request: the
 * scheme and host of the issuer (so every URL it writes, discovery included,
 * is the issuer's), and the client address Fastify derived (TRUST_PROXY
 * applies once, here). The provider runs with `proxy = true` and reads these
 * three headers only; whatever a client sent in them is overwritten.
 */
export function asProviderSees(request: FastifyRequest, s: Services): void {
  const issuer = new URL(s.oidc.issuer);
  const h = request.raw.headers;
  h['x-forwarded-proto'] = issuer.protocol.slice(0, -1);
  h['x-forwarded-host'] = issuer.host;
  h['x-forwarded-for'] = request.ip;
}

const HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

/** Hands the request to oidc-provider's Node handler; the provider writes the whole answer. */
export function forwardToProvider(request: FastifyRequest, reply: FastifyReply, s: Services): void {
  asProviderSees(request, s);
  reply.hijack();
  const res = reply.raw;
  // A hijacked request skips Fastify's response hooks: log its line here, the same way (route pattern only).
  if (['trace', 'debug', 'info'].includes(request.log.level)) {
    const started = performance.now();
    res.once('finish', () => {
      const ms = Math.round((performance.now() - started) * 10) / 10;
      request.log.info({ req: request, res: { statusCode: res.statusCode }, ms }, 'request completed');
    });
  }
  res.setHeader('x-request-id', request.id);
  for (const [name, value] of Object.entries(HEADERS)) res.setHeader(name, value);
  s.oidc.callback(request.raw, res);
}
