import { routes } from '@scanlogin/protocol';
import type { AppRecord } from '../../../domain/ports.js';
import { registrationOf, validateRegistration } from '../../../oidc/clients.js';
import type { Services } from '../../../services.js';
import { ok } from '../../envelope.js';
import { operation, type TypedApp } from '../../route.js';
import { appView, pickQr } from './views.js';

/** An app as the admin API shows it, with its OpenID Connect registration. */
async function fullView(s: Services, app: AppRecord) {
  return { ...appView(app), ...(await s.oidc.clients.get(app.id)) };
}

/** /api/admin/apps: applications; the secret is in the answer of create and rotate only. */
export default function adminAppRoutes(app: TypedApp, s: Services): void {
  app.route({
    ...operation(routes.adminListApps),
    handler: async (request) => {
      const apps = await s.directory.listApps(request.query.userPoolId);
      return ok(await Promise.all(apps.map((a) => fullView(s, a))));
    },
  });

  app.route({
    ...operation(routes.adminCreateApp),
    handler: async (request, reply) => {
      const b = request.body;
      const registration = registrationOf(b);
      // Checked before the app exists, so a wrong URL creates nothing.
      if (registration) validateRegistration(registration);
      const { app: created, secret } = await s.directory.createApp({
        poolId: b.userPoolId,
        name: b.name,
        logo: b.logo ?? null,
        allowedOrigins: b.allowedOrigins ?? [],
        qr: pickQr(b),
      });
      if (registration) await s.oidc.clients.update(created.id, registration);
      reply.code(201);
      return ok({ ...(await fullView(s, created)), secret });
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
      const registration = registrationOf(b);
      if (registration) validateRegistration(registration);
      const updated = await s.directory.updateApp(request.params.id, patch);
      if (registration) await s.oidc.clients.update(updated.id, registration);
      return ok(await fullView(s, updated));
    },
  });

  app.route({
    ...operation(routes.adminRotateAppSecret),
    handler: async (request) => {
      const { app: updated, secret } = await s.directory.rotateAppSecret(request.params.id);
      return ok({ ...(await fullView(s, updated)), secret });
    },
  });

  app.route({
    ...operation(routes.adminDeleteApp),
    handler: async (request) => {
      await s.directory.deleteApp(request.params.id);
      await s.oidc.clients.remove(request.params.id);
      return ok(null);
    },
  });
}
