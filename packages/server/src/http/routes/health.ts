import { routes } from '@scanlogin/protocol';
import { fail, StorageUnavailableError } from '../../domain/errors.js';
import { detail } from '../../domain/messages.js';
import type { Services } from '../../services.js';
import { ok } from '../envelope.js';
import { operation, type TypedApp } from '../route.js';

/**
 * The health checks. Liveness asks nothing of the backends: restarting an
 * instance does not bring a database back, so an outage must not fail it.
 * Readiness (and `/health`, its first name) says whether to send traffic:
 * the start is complete (first-start data made), a signing key is loaded,
 * and the storage answers.
 */
export default function healthRoutes(app: TypedApp, s: Services, started: () => boolean): void {
  const ready = async () => {
    if (!started()) fail('NOT_READY', detail('serviceStarting'), { 'retry-after': '1' });
    if (!s.keys.canSign) fail('NOT_READY', detail('noSigningKey'), { 'retry-after': '5' });
    try {
      await s.ping();
    } catch (err) {
      throw new StorageUnavailableError('storage', err);
    }
    return ok({ status: 'ok' as const });
  };
  app.route({ ...operation(routes.health), handler: ready });
  app.route({ ...operation(routes.healthReady), handler: ready });
  app.route({ ...operation(routes.healthLive), handler: async () => ok({ status: 'ok' as const }) });
}
