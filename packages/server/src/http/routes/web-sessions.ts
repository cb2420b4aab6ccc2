import type { FastifyInstance } from 'fastify';
import type { Services } from '../../services.js';
import { requireAppUser } from '../auth.js';
import { ok } from '../envelope.js';

const params = {
  type: 'object',
  properties: { id: { type: 'string', minLength: 1, maxLength: 64 } },
  required: ['id'],
} as const;

/**
 * The websites signed in through the user's QR logins (ours), for the app's
 * "where you're logged in" screen:
 * - GET    /api/v2/qrcode/web-sessions       live sessions: site, place, browser, since when;
 * - DELETE /api/v2/qrcode/web-sessions/:id   signs that website out;
 * - DELETE /api/v2/qrcode/web-sessions       signs every one of them out.
 * A revoked session's tokens fail validation on the next check, on every instance.
 */
export default function webSessionRoutes(app: FastifyInstance, s: Services): void {
  app.get('/api/v2/qrcode/web-sessions', async (request, reply) => {
    const { user } = await requireAppUser(request, s);
    reply.header('cache-control', 'no-store');
    return ok(await s.webSessions.list(user.id));
  });

  app.delete<{ Params: { id: string } }>(
    '/api/v2/qrcode/web-sessions/:id',
    { schema: { params } },
    async (request, reply) => {
      const { user } = await requireAppUser(request, s);
      await s.webSessions.revoke(user.id, request.params.id);
      reply.header('cache-control', 'no-store');
      return ok({ revoked: 1 });
    },
  );

  app.delete('/api/v2/qrcode/web-sessions', async (request, reply) => {
    const { user } = await requireAppUser(request, s);
    reply.header('cache-control', 'no-store');
    return ok({ revoked: await s.webSessions.revokeAll(user.id) });
  });
}
