import type { FastifyInstance } from 'fastify';
import { StorageUnavailableError } from '../../domain/errors.js';
import type { Services } from '../../services.js';
import { ok } from '../envelope.js';

/** GET /health: 200 when the storage answers, 503 (envelope) when it does not. */
export default function healthRoute(app: FastifyInstance, s: Services): void {
  app.get('/health', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    try {
      await s.ping();
    } catch (err) {
      throw new StorageUnavailableError('storage', err);
    }
    return ok({ status: 'ok' });
  });
}
