import type { FastifyInstance } from 'fastify';
import type { Services } from '../../services.js';
import { appActionRoute } from './app-action.js';

/** POST /api/v2/qrcode/confirm: the scanner approves (1 → 2); a ticket is minted for the page. */
export default function confirmRoute(app: FastifyInstance, s: Services): void {
  appActionRoute(app, s, '/api/v2/qrcode/confirm', (random, user) => s.qr.confirm(random, user));
}
