import type { FastifyInstance } from 'fastify';
import type { Services } from '../../../services.js';
import { ok } from '../../envelope.js';
import { assertFromSignInPage, interactionOf, type UidParams, uidParams } from './interaction.js';

/**
 * POST /oidc/interaction/:uid/abort: "Cancel sign-in". The client gets
 * `access_denied` (a device, when this was its sign-in, too).
 */
export default function interactionAbortRoute(app: FastifyInstance, s: Services): void {
  app.post<UidParams>(
    '/oidc/interaction/:uid/abort',
    {
      schema: { params: uidParams, hide: true },
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async (request, reply) => {
      assertFromSignInPage(request, s);
      await interactionOf(request, reply, s);
      const redirectTo = await s.oidc.finish(request.raw, reply.raw, {
        error: 'access_denied',
        error_description: 'The user cancelled the sign-in.',
      });
      reply.header('cache-control', 'no-store');
      return ok({ redirectTo });
    },
  );
}
