import type { FastifyInstance } from 'fastify';
import type { Services } from '../../../services.js';
import { ok } from '../../envelope.js';
import { appView, idParams, pickQr, qrSettingsProps } from './views.js';

const appProps = {
  name: { type: 'string', minLength: 1, maxLength: 100 },
  logo: { type: ['string', 'null'], maxLength: 2048 },
  allowedOrigins: { type: 'array', maxItems: 50, items: { type: 'string', maxLength: 256 } },
  ...qrSettingsProps,
} as const;

type AppBody = {
  userPoolId: string;
  name: string;
  logo?: string | null;
  allowedOrigins?: string[];
} & Record<string, unknown>;

/** /api/admin/apps: applications; the secret is in the answer of create and rotate only. */
export default function adminAppRoutes(app: FastifyInstance, s: Services): void {
  app.get<{ Querystring: { userPoolId?: string } }>(
    '/api/admin/apps',
    {
      schema: {
        querystring: { type: 'object', properties: { userPoolId: { type: 'string', maxLength: 64 } } },
      },
    },
    async (request) => ok((await s.directory.listApps(request.query.userPoolId)).map(appView)),
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
      const { app: created, secret } = await s.directory.createApp({
        poolId: b.userPoolId,
        name: b.name,
        logo: b.logo ?? null,
        allowedOrigins: b.allowedOrigins ?? [],
        qr: pickQr(b),
      });
      reply.code(201).header('cache-control', 'no-store');
      return ok({ ...appView(created), secret });
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
      return ok(appView(await s.directory.updateApp(request.params.id, patch)));
    },
  );

  app.post<{ Params: { id: string } }>(
    '/api/admin/apps/:id/rotate-secret',
    { schema: { params: idParams } },
    async (request, reply) => {
      const { app: updated, secret } = await s.directory.rotateAppSecret(request.params.id);
      reply.header('cache-control', 'no-store');
      return ok({ ...appView(updated), secret });
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/api/admin/apps/:id',
    { schema: { params: idParams } },
    async (request) => {
      await s.directory.deleteApp(request.params.id);
      return ok(null);
    },
  );
}
