import type { FastifyInstance } from 'fastify';
import type { Services } from '../../../services.js';
import { ok } from '../../envelope.js';
import { assertFromSignInPage, interactionOf, type UidParams, uidParams } from './interaction.js';

const body = {
  type: 'object',
  properties: { allow: { type: 'boolean' } },
  required: ['allow'],
} as const;

/** POST /oidc/interaction/:uid/consent: the user's Allow or Deny on the consent page. */
export default function interactionConsentRoute(app: FastifyInstance, s: Services): void {
  app.post<UidParams & { Body: { allow: boolean } }>(
    '/oidc/interaction/:uid/consent',
    { schema: { params: uidParams, body, hide: true } },
    async (request, reply) => {
      assertFromSignInPage(request, s);
      const interaction = await interactionOf(request, reply, s);
      const result = await s.oidc.signIn.consent(interaction, request.body.allow);
      const redirectTo = await s.oidc.finish(request.raw, reply.raw, result);
      reply.header('cache-control', 'no-store');
      return ok({ redirectTo });
    },
  );
}
