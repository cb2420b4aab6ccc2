import type { FastifyInstance } from 'fastify';
import type { Services } from '../../services.js';
import { envelopeSchema, ok } from '../envelope.js';

const querystring = {
  type: 'object',
  properties: { random: { type: 'string', minLength: 1, maxLength: 128 } },
  required: ['random'],
} as const;

// A cached serializer: check is the hottest read, so its answer is compiled once.
const response = {
  200: envelopeSchema({
    type: 'object',
    properties: {
      random: { type: 'string' },
      status: { type: 'integer' },
      ticket: { type: ['string', 'null'] },
      userInfo: { type: ['object', 'null'], additionalProperties: true },
      expiresIn: { type: 'integer' },
    },
  }),
} as const;

/** GET /api/v2/qrcode/check?random=: the status of a code, polled by the waiting page. */
export default function checkRoute(app: FastifyInstance, s: Services): void {
  app.get<{ Querystring: { random: string } }>(
    '/api/v2/qrcode/check',
    { schema: { querystring, response } },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return ok(await s.qr.check(request.query.random));
    },
  );
}
