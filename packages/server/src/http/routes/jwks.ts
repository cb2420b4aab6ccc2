import { routes } from '@scanlogin/protocol';
import type { Services } from '../../services.js';
import { operation, type TypedApp } from '../route.js';

/** GET /.well-known/jwks.json: the public keys tokens are signed with (a plain JWK Set, no envelope). */
export default function jwksRoute(app: TypedApp, s: Services): void {
  app.route({
    ...operation(routes.jwks),
    handler: async (_request, reply) => {
      // Short caching: verifiers pick up a rotation within a minute and refetch on an unknown kid anyway.
      reply.header('cache-control', 'public, max-age=60');
      return s.keys.jwks;
    },
  });
}
