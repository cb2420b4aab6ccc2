import type { FastifyInstance } from 'fastify';
import type { Services } from '../../../services.js';
import { ok } from '../../envelope.js';
import { idParams, poolView } from './views.js';

const securityProps = {
  proximityPolicy: { type: 'string', enum: ['allow', 'warn', 'step-up', 'deny'] },
  checkCode: { type: 'boolean' },
  requireBinding: { type: 'boolean' },
  // 0 turns rotation off; below 10 s a phone can barely scan before the id changes.
  rotateQrEvery: { type: 'integer', anyOf: [{ const: 0 }, { minimum: 10, maximum: 3600 }] },
} as const;

interface PoolBody {
  name?: string;
  proximityPolicy?: 'allow' | 'warn' | 'step-up' | 'deny';
  checkCode?: boolean;
  requireBinding?: boolean;
  rotateQrEvery?: number;
}

const securityOf = (b: PoolBody) => {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(securityProps) as (keyof PoolBody)[]) if (b[k] !== undefined) out[k] = b[k];
  return out;
};

/** /api/admin/pools: list and create user pools. */
export default function adminPoolRoutes(app: FastifyInstance, s: Services): void {
  app.get('/api/admin/pools', async () => ok((await s.directory.listPools()).map(poolView)));

  app.post<{ Body: PoolBody & { name: string } }>(
    '/api/admin/pools',
    {
      schema: {
        body: {
          type: 'object',
          properties: { name: { type: 'string', minLength: 1, maxLength: 100 }, ...securityProps },
          required: ['name'],
          additionalProperties: false,
        },
      },
    },
    async (request, reply) => {
      reply.code(201);
      return ok(poolView(await s.directory.createPool(request.body.name, securityOf(request.body))));
    },
  );

  app.patch<{ Params: { id: string }; Body: PoolBody }>(
    '/api/admin/pools/:id',
    {
      schema: {
        params: idParams,
        body: {
          type: 'object',
          properties: { name: { type: 'string', minLength: 1, maxLength: 100 }, ...securityProps },
          additionalProperties: false,
        },
      },
    },
    async (request) => {
      const patch: { name?: string; security: Record<string, unknown> } = {
        security: securityOf(request.body),
      };
      if (request.body.name) patch.name = request.body.name;
      return ok(poolView(await s.directory.updatePool(request.params.id, patch)));
    },
  );
}
