import type { FastifyInstance } from 'fastify';
import type { Services } from '../../../services.js';
import { requireAppUser } from '../../auth.js';
import { ok } from '../../envelope.js';

const resolveBody = {
  type: 'object',
  properties: { code: { type: 'string', minLength: 1, maxLength: 32 } },
  required: ['code'],
} as const;

const decisionBody = {
  type: 'object',
  properties: {
    userCode: { type: 'string', minLength: 1, maxLength: 32 },
    password: { type: 'string', maxLength: 1024 },
  },
  required: ['userCode'],
} as const;

/**
 * The companion's "Enter a code" (app token, like the QR calls):
 * - POST /api/v2/codes/resolve   {code} → a device's request (RFC 8628 user code) with its
 *   context for the confirm screen, or a sign-in page's QR code (then go on as after a scan);
 * - POST /api/v2/device/approve  {userCode, password?} (password: the pool's step-up);
 * - POST /api/v2/device/deny     {userCode}: the device's next poll gets access_denied.
 * Wrong codes are throttled per user and per address (see OidcSignIn.resolveCode).
 */
export default function typedCodeRoutes(app: FastifyInstance, s: Services): void {
  app.post<{ Body: { code: string } }>(
    '/api/v2/codes/resolve',
    { schema: { body: resolveBody } },
    async (request, reply) => {
      const { user } = await requireAppUser(request, s);
      reply.header('cache-control', 'no-store');
      return ok(await s.oidc.signIn.resolveCode(request.body.code, { user, ip: request.ip }));
    },
  );

  app.post<{ Body: { userCode: string; password?: string } }>(
    '/api/v2/device/approve',
    { schema: { body: decisionBody } },
    async (request, reply) => {
      const { user } = await requireAppUser(request, s);
      reply.header('cache-control', 'no-store');
      const actor = { user, ip: request.ip };
      return ok(await s.oidc.signIn.approveDevice(request.body.userCode, actor, request.body.password));
    },
  );

  app.post<{ Body: { userCode: string } }>(
    '/api/v2/device/deny',
    { schema: { body: decisionBody } },
    async (request, reply) => {
      const { user } = await requireAppUser(request, s);
      reply.header('cache-control', 'no-store');
      return ok(await s.oidc.signIn.denyDevice(request.body.userCode, { user, ip: request.ip }));
    },
  );
}
