import { routes } from '@scanlogin/protocol';
import type { Services } from '../../../services.js';
import { ok } from '../../envelope.js';
import { answerLang } from '../../lang.js';
import { operation, type TypedApp } from '../../route.js';

/** GET /api/admin/audit?userPoolId=&before=&limit=: a pool's QR login audit log, newest first. */
export default function adminAuditRoutes(app: TypedApp, s: Services): void {
  app.route({
    ...operation(routes.adminAudit),
    handler: async (request, reply) => {
      const q = request.query;
      const limit = Math.min(Number(q.limit ?? 100), 500);
      const before = q.before ? Date.parse(q.before) : undefined;
      return ok(await s.qr.poolAudit(q.userPoolId, limit, before, answerLang(request, reply)));
    },
  });
}
