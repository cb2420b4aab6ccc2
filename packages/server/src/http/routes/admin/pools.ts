import type { FastifyInstance } from 'fastify';
import type { Services } from '../../../services.js';
import { ok } from '../../envelope.js';
import { poolView } from './views.js';

/** /api/admin/pools: list and create user pools. */
export default function adminPoolRoutes(app: FastifyInstance, s: Services): void {
  app.get('/api/admin/pools', async () => ok((await s.directory.store.listPools()).map(poolView)));

  app.post<{ Body: { name: string } }>(
    '/api/admin/pools',
    {
      schema: {
        body: {
          type: 'object',
          properties: { name: { type: 'string', minLength: 1, maxLength: 100 } },
          required: ['name'],
          additionalProperties: false,
        },
      },
    },
    async (request, reply) => {
      reply.code(201);
      return ok(poolView(await s.directory.createPool(request.body.name)));
    },
  );
}
