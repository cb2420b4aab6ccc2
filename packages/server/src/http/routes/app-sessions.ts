import { routes } from '@scanlogin/protocol';
import type { Services } from '../../services.js';
import { requireAppUser } from '../auth.js';
import { ok } from '../envelope.js';
import { answerLang } from '../lang.js';
import { operation, type TypedApp } from '../route.js';

/**
 * The devices the user signed in on with a password, for the app's "this
 * phone and other devices" screen:
 * - GET    /api/v2/app-sessions       live sessions, the caller's own marked `current`;
 * - DELETE /api/v2/app-sessions/:id   signs that device out (its token is refused from then on).
 */
export default function appSessionRoutes(app: TypedApp, s: Services): void {
  app.route({
    ...operation(routes.appSessionsList),
    handler: async (request, reply) => {
      const { user, session } = await requireAppUser(request, s);
      return ok(await s.appSessions.list(user.id, session.id, answerLang(request, reply)));
    },
  });

  app.route({
    ...operation(routes.appSessionRevoke),
    handler: async (request) => {
      const { user } = await requireAppUser(request, s);
      await s.appSessions.revoke(user.id, request.params.id);
      return ok({ revoked: 1 });
    },
  });
}
