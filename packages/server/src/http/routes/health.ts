import { routes } from '@scanlogin/protocol';
import { StorageUnavailableError } from '../../domain/errors.js';
import type { Services } from '../../services.js';
import { ok } from '../envelope.js';
import { operation, type TypedApp } from '../route.js';

/** GET /health: 200 when the storage answers, 503 (envelope) when it does not. */
export default function healthRoute(app: TypedApp, s: Services): void {
  app.route({
    ...operation(routes.health),
    handler: async () => {
      try {
        await s.ping();
      } catch (err) {
        throw new StorageUnavailableError('storage', err);
      }
      return ok({ status: 'ok' as const });
    },
  });
}
