import type { FastifyInstance } from 'fastify';
import { userView } from '../../domain/directory/views.js';
import type { Services } from '../../services.js';
import { ok } from '../envelope.js';
import { poolOfRequest } from './pool-of-request.js';

const body = {
  type: 'object',
  properties: {
    account: { type: 'string', minLength: 1, maxLength: 320 },
    // Plain, or RSA-encrypted (base64) with the pool's key from /api/v2/.well-known.
    password: { type: 'string', minLength: 1, maxLength: 1024 },
  },
  required: ['account', 'password'],
} as const;

/**
 * POST /api/v2/login/account: the app's password login. Answers the user with
 * an app token (audience: the app, or the pool when no app is named).
 */
export default function loginAccountRoute(app: FastifyInstance, s: Services): void {
  app.post<{ Body: { account: string; password: string } }>(
    '/api/v2/login/account',
    { schema: { body } },
    async (request, reply) => {
      await s.limiter.hit(`login:ip:${request.ip}`, s.config.rateLoginPerIp, 60_000);
      const { pool, appId } = await poolOfRequest(request, s, false);
      const user = await s.directory.authenticate({
        poolId: pool.id,
        account: request.body.account,
        password: request.body.password,
        ip: request.ip,
      });
      const issued = await s.tokens.issue({ user, audience: appId ?? pool.id, use: 'app' });
      reply.header('cache-control', 'no-store');
      return ok(userView(user, { token: issued.token, exp: issued.claims.exp }));
    },
  );
}
