import { routes } from '@scanlogin/protocol';
import type { PoolSecurity } from '../../../domain/ports.js';
import type { Services } from '../../../services.js';
import { ok } from '../../envelope.js';
import { operation, type TypedApp } from '../../route.js';
import { poolView, securityOf } from './views.js';

/** /api/admin/pools: list, create and change user pools. */
export default function adminPoolRoutes(app: TypedApp, s: Services): void {
  app.route({
    ...operation(routes.adminListPools),
    handler: async () => ok((await s.directory.listPools()).map(poolView)),
  });

  app.route({
    ...operation(routes.adminCreatePool),
    handler: async (request, reply) => {
      reply.code(201);
      return ok(poolView(await s.directory.createPool(request.body.name, securityOf(request.body))));
    },
  });

  app.route({
    ...operation(routes.adminUpdatePool),
    handler: async (request) => {
      const patch: { name?: string; security: Partial<PoolSecurity> } = {
        security: securityOf(request.body),
      };
      if (request.body.name) patch.name = request.body.name;
      return ok(poolView(await s.directory.updatePool(request.params.id, patch)));
    },
  });
}
