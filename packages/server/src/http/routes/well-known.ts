import type { FastifyInstance } from 'fastify';
import type { Services } from '../../services.js';
import { ok } from '../envelope.js';
import { poolOfRequest } from './pool-of-request.js';

/** GET /api/v2/.well-known: the pool's public config; `publicKey` encrypts passwords for login. */
export default function wellKnownRoute(app: FastifyInstance, s: Services): void {
  app.get('/api/v2/.well-known', async (request) => {
    const { pool } = await poolOfRequest(request, s, true);
    return ok({ userPoolId: pool.id, name: pool.name, publicKey: pool.rsaPublicKey });
  });
}
