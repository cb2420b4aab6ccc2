import type { FastifyInstance } from 'fastify';
import type { Services } from '../../../services.js';
import { ok } from '../../envelope.js';

/** GET /api/admin/audit?userPoolId=&before=&limit=: a pool's QR login audit log, newest first. */
export default function adminAuditRoutes(app: FastifyInstance, s: Services): void {
  app.get<{ Querystring: { userPoolId: string; before?: string; limit?: string } }>(
    '/api/admin/audit',
    {
      schema: {
        querystring: {
          type: 'object',
          properties: {
            userPoolId: { type: 'string', minLength: 1, maxLength: 64 },
            before: { type: 'string', format: 'date-time' },
            limit: { type: 'string', pattern: '^[0-9]{1,3}$' },
          },
          required: ['userPoolId'],
        },
      },
    },
    async (request) => {
      const q = request.query;
      const limit = Math.min(Number(q.limit ?? 100), 500);
      return ok(await s.qr.poolAudit(q.userPoolId, limit, q.before ? Date.parse(q.before) : undefined));
    },
  );
}
