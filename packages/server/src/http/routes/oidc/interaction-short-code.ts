import type { FastifyInstance } from 'fastify';
import type { Services } from '../../../services.js';
import { ok } from '../../envelope.js';
import { assertFromSignInPage, interactionOf, type UidParams, uidParams } from './interaction.js';

const body = {
  type: 'object',
  properties: { random: { type: 'string', minLength: 1, maxLength: 128 } },
  required: ['random'],
} as const;

/**
 * POST /oidc/interaction/:uid/short-code: 8 letters the page shows under its
 * QR code, which the companion can type instead of scanning. Only for a
 * waiting code this page asked for (its key, the code's `random`, never
 * appears in a rotating QR code); as many per minute as codes (RATE_GENE_PER_IP).
 */
export default function interactionShortCodeRoute(app: FastifyInstance, s: Services): void {
  app.post<UidParams & { Body: { random: string } }>(
    '/oidc/interaction/:uid/short-code',
    { schema: { params: uidParams, body, hide: true } },
    async (request, reply) => {
      assertFromSignInPage(request, s);
      await s.limiter.hit(`oidc:short:ip:${request.ip}`, s.config.rateGenePerIp, 60_000);
      const interaction = await interactionOf(request, reply, s);
      reply.header('cache-control', 'no-store');
      return ok(await s.oidc.signIn.shortCode(interaction, request.body.random));
    },
  );
}
