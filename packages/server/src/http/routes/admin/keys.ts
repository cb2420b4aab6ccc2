import { routes } from '@scanlogin/protocol';
import type { Services } from '../../../services.js';
import { ok } from '../../envelope.js';
import { operation, type TypedApp } from '../../route.js';

/** POST /api/admin/keys/rotate: sign with a fresh key from now on; old tokens keep verifying. */
export default function adminKeyRoutes(app: TypedApp, s: Services): void {
  app.route({
    ...operation(routes.adminRotateKey),
    handler: async () => ok({ kid: await s.keys.rotate() }),
  });
}
