import { routes } from '@scanlogin/protocol';
import type { Services } from '../../services.js';
import type { TypedApp } from '../route.js';
import { appActionRoute } from './app-action.js';

/**
 * POST /api/v2/qrcode/step-up: after a scan from far away under the pool's
 * step-up policy (status 4), the scanner re-enters their password (plain over
 * TLS, or RSA-encrypted like login) to continue (4 → 1).
 */
export default function stepUpRoute(app: TypedApp, s: Services): void {
  appActionRoute(app, s, routes.qrcodeStepUp, (random, actor, body) =>
    s.qr.stepUp(random, actor, body.password ?? ''),
  );
}
