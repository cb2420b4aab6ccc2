import type { FastifyInstance } from 'fastify';
import type { ActionResult, Actor } from '../../domain/qr-login/service.js';
import type { Services } from '../../services.js';
import { requireAppUser } from '../auth.js';
import { envelopeSchema, ok } from '../envelope.js';

const response = {
  200: envelopeSchema({
    type: 'object',
    properties: { random: { type: 'string' }, status: { type: 'integer' }, description: { type: 'string' } },
  }),
} as const;

export interface ActionBody {
  random: string;
  checkCode?: number | null;
  password?: string;
}

/**
 * The shape shared by the app calls: a signed-in user (bare or Bearer token),
 * a `random` (plus any fields the action declares), one domain action. Each
 * call has its own route file.
 */
export function appActionRoute(
  app: FastifyInstance,
  s: Services,
  path: string,
  act: (random: string, actor: Actor, body: ActionBody) => Promise<ActionResult>,
  extraFields: Record<string, unknown> = {},
  required: string[] = [],
): void {
  const body = {
    type: 'object',
    properties: { random: { type: 'string', minLength: 1, maxLength: 128 }, ...extraFields },
    required: ['random', ...required],
  };
  app.post<{ Body: ActionBody }>(path, { schema: { body, response } }, async (request, reply) => {
    const { user } = await requireAppUser(request, s);
    reply.header('cache-control', 'no-store');
    return ok(await act(request.body.random, { user, ip: request.ip }, request.body));
  });
}
