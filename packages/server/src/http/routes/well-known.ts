import { routes } from '@scanlogin/protocol';
import type { Services } from '../../services.js';
import { ok } from '../envelope.js';
import { operation, type TypedApp } from '../route.js';
import { poolOfRequest } from './pool-of-request.js';

/** GET /api/v2/.well-known: the pool's public config; `publicKey` encrypts passwords for login. */
export default function wellKnownRoute(app: TypedApp, s: Services): void {
  app.route({
    ...operation(routes.poolPublicConfig),
    handler: async (request) => {
      const { pool } = await poolOfRequest(request, s, true);
      return ok({ userPoolId: pool.id, name: pool.name, publicKey: pool.rsaPublicKey });
    },
  });
}
