import type { FastifyInstance } from 'fastify';
import type { Services } from '../../services.js';
import { PUBLIC_CORS } from '../cors.js';

/** GET /.well-known/jwks.json: the public keys tokens are signed with (a plain JWK Set, no envelope). */
export default function jwksRoute(app: FastifyInstance, s: Services): void {
  app.get('/.well-known/jwks.json', { config: { [PUBLIC_CORS]: true } }, async (_request, reply) => {
    // Short caching: verifiers pick up a rotation within a minute and refetch on an unknown kid anyway.
    reply.header('cache-control', 'public, max-age=60');
    return s.keys.jwks;
  });
}
