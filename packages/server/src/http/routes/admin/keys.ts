import type { FastifyInstance } from 'fastify';
import type { Services } from '../../../services.js';
import { ok } from '../../envelope.js';

/** POST /api/admin/keys/rotate: sign with a fresh key from now on; old tokens keep verifying. */
export default function adminKeyRoutes(app: FastifyInstance, s: Services): void {
  app.post('/api/admin/keys/rotate', async () => ok({ kid: await s.keys.rotate() }));
}
