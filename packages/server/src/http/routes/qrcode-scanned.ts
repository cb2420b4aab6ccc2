import type { FastifyInstance } from 'fastify';
import type { Services } from '../../services.js';
import { appActionRoute } from './app-action.js';

/** POST /api/v2/qrcode/scanned: the app marks a code scanned (0 → 1); repeating it is harmless. */
export default function scannedRoute(app: FastifyInstance, s: Services): void {
  appActionRoute(app, s, '/api/v2/qrcode/scanned', (random, user) => s.qr.scan(random, user));
}
