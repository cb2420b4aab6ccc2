import type { FastifyInstance } from 'fastify';
import type { AppRecord } from '../../../domain/ports.js';
import type { ClientRegistration } from '../../../oidc/clients.js';
import { validateRegistration } from '../../../oidc/clients.js';
import type { Services } from '../../../services.js';
import { ok } from '../../envelope.js';
import { appView, idParams, pickQr, qrSettingsProps } from './views.js';

const appProps = {
  name: { type: 'string', minLength: 1, maxLength: 100 },
  logo: { type: ['string', 'null'], maxLength: 2048 },
  allowedOrigins: { type: 'array', maxItems: 50, items: { type: 'string', maxLength: 256 } },
  ...qrSettingsProps,
  // OpenID Connect client registration (src/oidc/clients.ts validates the URLs).
  redirectUris: { type: 'array', maxItems: 20, items: { type: 'string', maxLength: 2048 } },
  postLogoutRedirectUris: { type: 'array', maxItems: 20, items: { type: 'string', maxLength: 2048 } },
  publicClient: { type: 'boolean' },
} as const;

type AppBody = {
  userPoolId: string;
  name: string;
  logo?: string | null;
  allowedOrigins?: string[];
  redirectUris?: string[];
  postLogoutRedirectUris?: string[];
  publicClient?: boolean;
} & Record<string, unknown>;

/** The OpenID Connect registration fields a body carries, if any. */
function pickRegistration(b: Partial<AppBody>): Partial<ClientRegistration> | null {
  const r: Partial<ClientRegistration> = {};
  if (b.redirectUris !== undefined) r.redirectUris = b.redirectUris;
  if (b.postLogoutRedirectUris !== undefined) r.postLogoutRedirectUris = b.postLogoutRedirectUris;
  if (b.publicClient !== undefined) r.publicClient = b.publicClient;
  return Object.keys(r).length ? r : null;
}

/** An app as the admin API shows it, with its OpenID Connect registration. */
async function fullView(s: Services, app: AppRecord) {
  return { ...appView(app), ...(await s.oidc.clients.get(app.id)) };
}

/** /api/admin/apps: applications; the secret is in the answer of create and rotate only. */
export default function adminAppRoutes(app: FastifyInstance, s: Services): void {
  app.get<{ Querystring: { userPoolId?: string } }>(
    '/api/admin/apps',
    {
      schema: {
        querystring: { type: 'object', properties: { userPoolId: { type: 'string', maxLength: 64 } } },
      },
    },
    async (request) => {
      const apps = await s.directory.listApps(request.query.userPoolId);
      return ok(await Promise.all(apps.map((a) => fullView(s, a))));
    },
  );

  app.post<{ Body: AppBody }>(
    '/api/admin/apps',
    {
      schema: {
        body: {
          type: 'object',
          properties: { userPoolId: { type: 'string', minLength: 1, maxLength: 64 }, ...appProps },
          required: ['userPoolId', 'name'],
          additionalProperties: false,
        },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const registration = pickRegistration(b);
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
      reply.code(201).header('cache-control', 'no-store');
      return ok({ ...(await fullView(s, created)), secret });
    },
  );

  app.patch<{ Params: { id: string }; Body: Partial<AppBody> }>(
    '/api/admin/apps/:id',
    {
      schema: {
        params: idParams,
        body: { type: 'object', properties: appProps, additionalProperties: false },
      },
    },
    async (request) => {
      const b = request.body;
      const patch: Parameters<typeof s.directory.updateApp>[1] = { qr: pickQr(b) };
      if (b.name !== undefined) patch.name = b.name;
      if (b.logo !== undefined) patch.logo = b.logo;
      if (b.allowedOrigins !== undefined) patch.allowedOrigins = b.allowedOrigins;
      const registration = pickRegistration(b);
      if (registration) validateRegistration(registration);
      const updated = await s.directory.updateApp(request.params.id, patch);
      if (registration) await s.oidc.clients.update(updated.id, registration);
      return ok(await fullView(s, updated));
    },
  );

  app.post<{ Params: { id: string } }>(
    '/api/admin/apps/:id/rotate-secret',
    { schema: { params: idParams } },
    async (request, reply) => {
      const { app: updated, secret } = await s.directory.rotateAppSecret(request.params.id);
      reply.header('cache-control', 'no-store');
      return ok({ ...(await fullView(s, updated)), secret });
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/api/admin/apps/:id',
    { schema: { params: idParams } },
    async (request) => {
      await s.directory.deleteApp(request.params.id);
      await s.oidc.clients.remove(request.params.id);
      return ok(null);
    },
  );
}
