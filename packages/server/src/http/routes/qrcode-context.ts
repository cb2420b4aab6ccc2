import type { FastifyInstance } from 'fastify';
import type { Services } from '../../services.js';
import { requireAppUser } from '../auth.js';
import { ok } from '../envelope.js';

const querystring = {
  type: 'object',
  properties: { random: { type: 'string', minLength: 1, maxLength: 128 } },
  required: ['random'],
} as const;

/**
 * GET /api/v2/qrcode/context?random=: what the service saw of the browser that
 * asked for this code (app, origin, IP, reported browser/OS, time), for the
 * phone's confirm screen. Only the user who scanned the code may read it.
 */
export default function contextRoute(app: FastifyInstance, s: Services): void {
  app.get<{ Querystring: { random: string } }>(
    '/api/v2/qrcode/context',
    { schema: { querystring } },
    async (request, reply) => {
      const { user } = await requireAppUser(request, s);
      reply.header('cache-control', 'no-store');
      return ok(await s.qr.requestContext(request.query.random, user, request.ip));
    },
  );
}
