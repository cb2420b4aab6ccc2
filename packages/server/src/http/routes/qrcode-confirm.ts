import type { FastifyInstance } from 'fastify';
import type { Services } from '../../services.js';
import { appActionRoute } from './app-action.js';

/**
 * POST /api/v2/qrcode/confirm: the scanner approves (1 → 2); a ticket is minted
 * for the page. With a check code, `checkCode` must be the number the page shows.
 */
export default function confirmRoute(app: FastifyInstance, s: Services): void {
  appActionRoute(
    app,
    s,
    '/api/v2/qrcode/confirm',
    // null is "no check code", like an absent field (what a client echoes for a pool without one).
    (random, actor, body) =>
      s.qr.confirm(random, actor, body.checkCode == null ? {} : { checkCode: body.checkCode }),
    { checkCode: { type: ['integer', 'null'], minimum: 0, maximum: 99 } },
  );
}
