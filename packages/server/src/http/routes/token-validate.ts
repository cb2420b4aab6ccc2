import type { FastifyInstance } from 'fastify';
import { ServiceError } from '../../domain/errors.js';
import type { Services } from '../../services.js';
import { ok } from '../envelope.js';

const body = {
  type: 'object',
  properties: { token: { type: 'string', minLength: 1, maxLength: 8192 } },
  required: ['token'],
} as const;

/**
 * POST /api/v2/token/validate: is this token good right now? In the spirit of
 * RFC 7662: a bad token is not an error of the call, it answers
 * `{active: false}`. A website's token is active only while its web session
 * is (the user can revoke it from the app). The token travels in the body so
 * it stays out of URLs and logs.
 */
export default function tokenValidateRoute(app: FastifyInstance, s: Services): void {
  app.post<{ Body: { token: string } }>(
    '/api/v2/token/validate',
    { schema: { body } },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      try {
        const claims = await s.webSessions.verifyToken(request.body.token);
        const user = await s.directory.getUser(claims.sub);
        if (!user || user.blocked) return ok({ active: false });
        return ok({ active: true, ...claims });
      } catch (err) {
        if (err instanceof ServiceError) return ok({ active: false });
        throw err;
      }
    },
  );
}
