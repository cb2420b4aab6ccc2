import { routes } from '@scanlogin/protocol';
import type { Services } from '../../services.js';
import { requireAppUser } from '../auth.js';
import { ok } from '../envelope.js';
import { answerLang } from '../lang.js';
import { operation, type TypedApp } from '../route.js';

/**
 * GET /api/v2/qrcode/history: the signed-in user's recent QR logins (approved,
 * denied, redeemed), newest first, with where each request came from.
 */
export default function historyRoute(app: TypedApp, s: Services): void {
  app.route({
    ...operation(routes.qrcodeHistory),
    handler: async (request, reply) => {
      const { user } = await requireAppUser(request, s);
      return ok(await s.qr.history(user, 20, answerLang(request, reply)));
    },
  });
}
