import { routes } from '@scanlogin/protocol';
import type { Services } from '../../services.js';
import type { TypedApp } from '../route.js';
import { appActionRoute } from './app-action.js';

/** POST /api/v2/qrcode/scanned: the app marks a code scanned (0 → 1); repeating it is harmless. */
export default function scannedRoute(app: TypedApp, s: Services): void {
  appActionRoute(app, s, routes.qrcodeScanned, (random, user) => s.qr.scan(random, user));
}
