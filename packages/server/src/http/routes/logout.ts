import { routes } from '@scanlogin/protocol';
import type { FastifyRequest } from 'fastify';
import type { Services } from '../../services.js';
import { bearerToken } from '../auth.js';
import { ok } from '../envelope.js';
import { operation, type TypedApp } from '../route.js';

/**
 * Ends the session of the presented token. In the spirit of RFC 7009 the
 * answer is the same whatever the token (there is nothing to tell a caller
 * about a token it holds): `revoked` 1 when a live session ended, else 0.
 */
async function logout(request: FastifyRequest, s: Services) {
  const token = bearerToken(request);
  const claims = token ? await s.sessionTokens.signedClaims(token) : null;
  if (!claims) return ok({ revoked: 0 });
  await s.limiter.hit(`app:user:${claims.sub}`, s.config.rateAppPerUser, 60_000);
  return ok({ revoked: (await s.sessionTokens.end(claims)) ? 1 : 0 });
}

/**
 * POST /api/v2/logout (ours) and GET /api/v2/logout (authing-js-sdk's
 * `logout()`): the phone signs out, and its token is refused by every app
 * call and by validation from then on, on every instance. A website's token
 * ends its web session the same way.
 */
export default function logoutRoutes(app: TypedApp, s: Services): void {
  app.route({ ...operation(routes.logout), handler: (request) => logout(request, s) });
  app.route({ ...operation(routes.logoutAuthingSdk), handler: (request) => logout(request, s) });
}
