import { routes } from '@scanlogin/protocol';
import type { Services } from '../../services.js';
import { requireAppUser } from '../auth.js';
import { ok } from '../envelope.js';
import { answerLang } from '../lang.js';
import { operation, type TypedApp } from '../route.js';

/**
 * GET /api/v2/qrcode/context?random=: what the service saw of the browser that
 * asked for this code (app, origin, IP, reported browser/OS, time), for the
 * phone's confirm screen, places named in the phone's language. Only the user who scanned the code may read it.
 */
export default function contextRoute(app: TypedApp, s: Services): void {
  app.route({
    ...operation(routes.qrcodeContext),
    handler: async (request, reply) => {
      const { user } = await requireAppUser(request, s);
      const lang = answerLang(request, reply);
      return ok(await s.qr.requestContext(request.query.random, user, request.ip, lang));
    },
  });
}
