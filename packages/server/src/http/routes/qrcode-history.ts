import type { FastifyInstance } from 'fastify';
import type { Services } from '../../services.js';
import { requireAppUser } from '../auth.js';
import { ok } from '../envelope.js';

/**
 * GET /api/v2/qrcode/history: the signed-in user's recent QR logins (approved,
 * denied, redeemed), newest first, with where each request came from.
 */
export default function historyRoute(app: FastifyInstance, s: Services): void {
  app.get('/api/v2/qrcode/history', async (request, reply) => {
    const { user } = await requireAppUser(request, s);
    reply.header('cache-control', 'no-store');
    return ok(await s.qr.history(user, 20));
  });
}
