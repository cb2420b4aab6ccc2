import type { FastifyInstance } from 'fastify';
import type { Services } from '../../services.js';
import { appActionRoute } from './app-action.js';

/** POST /api/v2/qrcode/cancel: the scanner refuses (1 → 3). */
export default function cancelRoute(app: FastifyInstance, s: Services): void {
  appActionRoute(app, s, '/api/v2/qrcode/cancel', (random, user) => s.qr.cancel(random, user));
}
