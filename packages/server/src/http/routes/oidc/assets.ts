import type { FastifyInstance } from 'fastify';
import { pageAssets } from '../../../oidc/page-assets.js';
import type { Services } from '../../../services.js';

const params = {
  type: 'object',
  properties: { name: { type: 'string', maxLength: 64 } },
  required: ['name'],
} as const;

/** GET /oidc/assets/:name: the sign-in pages' scripts and styles, and the web SDK bundle. */
export default function oidcAssetRoutes(app: FastifyInstance, s: Services): void {
  const assets = pageAssets();
  app.get<{ Params: { name: string } }>(
    '/oidc/assets/:name',
    { schema: { params, hide: true } },
    async (request, reply) => {
      const { name } = request.params;
      const asset =
        name === 'scanlogin.iife.js'
          ? (() => {
              const body = s.oidc.webSdkBundle();
              return body ? { type: 'text/javascript; charset=utf-8', body } : undefined;
            })()
          : assets.get(name);
      if (!asset) return reply.callNotFound();
      // No hash in the names: every use revalidates (they are small).
      reply.headers({
        'content-type': asset.type,
        'cache-control': 'no-cache',
        'x-content-type-options': 'nosniff',
      });
      return asset.body;
    },
  );
}
