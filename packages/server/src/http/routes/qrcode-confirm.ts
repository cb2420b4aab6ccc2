import { routes } from '@scanlogin/protocol';
import type { Services } from '../../services.js';
import type { TypedApp } from '../route.js';
import { appActionRoute } from './app-action.js';

/**
 * POST /api/v2/qrcode/confirm: the scanner approves (1 → 2); a ticket is minted
 * for the page. With a check code, `checkCode` must be the number the page shows.
 */
export default function confirmRoute(app: TypedApp, s: Services): void {
  appActionRoute(
    app,
    s,
    routes.qrcodeConfirm,
    // null is "no check code", like an absent field (what a client echoes for a pool without one).
    (random, actor, body) =>
      s.qr.confirm(random, actor, body.checkCode == null ? {} : { checkCode: body.checkCode }),
  );
}
