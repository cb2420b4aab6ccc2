import type { FastifyInstance } from 'fastify';
import type { Services } from '../../../services.js';
import { ok } from '../../envelope.js';
import { assertFromSignInPage, interactionOf, type UidParams, uidParams } from './interaction.js';

const body = {
  type: 'object',
  properties: { ticket: { type: 'string', minLength: 1, maxLength: 256 } },
  required: ['ticket'],
} as const;

/**
 * POST /oidc/interaction/:uid/qr: the sign-in page's browser got its ticket
 * (the phone approved; only the browser holding the code's binding sees it).
 * The server redeems it as the client app and answers the provider; the page
 * goes on to `redirectTo`.
 */
export default function interactionQrRoute(app: FastifyInstance, s: Services): void {
  app.post<UidParams & { Body: { ticket: string } }>(
    '/oidc/interaction/:uid/qr',
    { schema: { params: uidParams, body, hide: true } },
    async (request, reply) => {
      assertFromSignInPage(request, s);
      const interaction = await interactionOf(request, reply, s);
      const result = await s.oidc.signIn.qrLogin(interaction, request.body.ticket);
      const redirectTo = await s.oidc.finish(request.raw, reply.raw, result);
      reply.header('cache-control', 'no-store');
      return ok({ redirectTo });
    },
  );
}
