import { routes } from '@scanlogin/protocol';
import type { Services } from '../../../services.js';
import { ok } from '../../envelope.js';
import { operation, type TypedApp } from '../../route.js';
import { appView, pickQr } from './views.js';

/** /api/admin/apps: applications; the secret is in the answer of create and rotate only. */
export default function adminAppRoutes(app: TypedApp, s: Services): void {
  app.route({
    ...operation(routes.adminListApps),
    handler: async (request) => ok((await s.directory.listApps(request.query.userPoolId)).map(appView)),
  });

  app.route({
    ...operation(routes.adminCreateApp),
    handler: async (request, reply) => {
      const b = request.body;
      const { app: created, secret } = await s.directory.createApp({
        poolId: b.userPoolId,
        name: b.name,
        logo: b.logo ?? null,
        allowedOrigins: b.allowedOrigins ?? [],
        qr: pickQr(b),
      });
      reply.code(201);
      return ok({ ...appView(created), secret });
    },
  });

  app.route({
    ...operation(routes.adminUpdateApp),
    handler: async (request) => {
      const b = request.body;
      const patch: Parameters<typeof s.directory.updateApp>[1] = { qr: pickQr(b) };
      if (b.name !== undefined) patch.name = b.name;
      if (b.logo !== undefined) patch.logo = b.logo;
      if (b.allowedOrigins !== undefined) patch.allowedOrigins = b.allowedOrigins;
      return ok(appView(await s.directory.updateApp(request.params.id, patch)));
    },
  });

  app.route({
    ...operation(routes.adminRotateAppSecret),
    handler: async (request) => {
      const { app: updated, secret } = await s.directory.rotateAppSecret(request.params.id);
      return ok({ ...appView(updated), secret });
    },
  });

  app.route({
    ...operation(routes.adminDeleteApp),
    handler: async (request) => {
      await s.directory.deleteApp(request.params.id);
      return ok(null);
    },
  });
}
