import { routes } from '@scanlogin/protocol';
import type { Services } from '../../services.js';
import { requireAppUser } from '../auth.js';
import { ok } from '../envelope.js';
import { answerLang } from '../lang.js';
import { operation, type TypedApp } from '../route.js';

/**
 * The websites signed in through the user's QR logins (ours), for the app's
 * "where you're logged in" screen:
 * - GET    /api/v2/qrcode/web-sessions       live sessions: site, place, browser, since when;
 * - DELETE /api/v2/qrcode/web-sessions/:id   signs that website out;
 * - DELETE /api/v2/qrcode/web-sessions       signs every one of them out.
 * A revoked session's tokens fail validation on the next check, on every instance.
 */
export default function webSessionRoutes(app: TypedApp, s: Services): void {
  app.route({
    ...operation(routes.webSessionsList),
    handler: async (request, reply) => {
      const { user } = await requireAppUser(request, s);
      return ok(await s.webSessions.list(user.id, answerLang(request, reply)));
    },
  });

  app.route({
    ...operation(routes.webSessionRevoke),
    handler: async (request) => {
      const { user } = await requireAppUser(request, s);
      await s.webSessions.revoke(user.id, request.params.id);
      return ok({ revoked: 1 });
    },
  });

  app.route({
    ...operation(routes.webSessionsRevokeAll),
    handler: async (request) => {
      const { user } = await requireAppUser(request, s);
      return ok({ revoked: await s.webSessions.revokeAll(user.id) });
    },
  });
}
