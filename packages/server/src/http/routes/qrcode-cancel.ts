import { routes } from '@scanlogin/protocol';
import type { Services } from '../../services.js';
import type { TypedApp } from '../route.js';
import { appActionRoute } from './app-action.js';

/** POST /api/v2/qrcode/cancel: the scanner refuses (1 or 4 → 3). */
export default function cancelRoute(app: TypedApp, s: Services): void {
  appActionRoute(app, s, routes.qrcodeCancel, (random, user) => s.qr.cancel(random, user));
}
