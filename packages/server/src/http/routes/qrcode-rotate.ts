import type { FastifyInstance } from 'fastify';
import type { Services } from '../../services.js';
import { bindingProof } from '../binding.js';
import { envelopeSchema, ok } from '../envelope.js';
import { codeAnswer, codeAnswerProperties } from './qrcode-gene.js';

const body = {
  type: 'object',
  properties: { random: { type: 'string', minLength: 1, maxLength: 128 } },
  required: ['random'],
} as const;

/** A page rotates every 10 s at the fastest; more than this is a fault or abuse. */
export const ROTATIONS_PER_MINUTE = 20;

const response = { 200: envelopeSchema({ type: 'object', properties: codeAnswerProperties }) } as const;

/**
 * POST /api/v2/qrcode/rotate (ours): a waiting page asks for a new public id
 * for its code on the schedule the `gene` answer gave (`rotatesIn`). The old
 * id stops working at once; the page keeps its `random`, status and binding.
 * Only the browser holding the code's binding may rotate it.
 */
export default function rotateRoute(app: FastifyInstance, s: Services): void {
  app.post<{ Body: { random: string } }>(
    '/api/v2/qrcode/rotate',
    { schema: { body, response } },
    async (request, reply) => {
      const { random } = request.body;
      // The budget is counted after the binding check: a stranger's calls must not spend the page's.
      const issued = await s.qr.rotate(random, bindingProof(request), () =>
        s.limiter.hit(`rotate:${random}`, ROTATIONS_PER_MINUTE, 60_000),
      );
      reply.header('cache-control', 'no-store');
      return ok(codeAnswer(s, issued));
    },
  );
}
