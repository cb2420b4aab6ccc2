import type { FastifyRequest } from 'fastify';
import { fail } from '../../domain/errors.js';
import { detail } from '../../domain/messages.js';
import type { PoolRecord } from '../../domain/ports.js';
import type { Services } from '../../services.js';
import { headerValue } from '../auth.js';

/**
 * The pool a request is about: the pool of the app in x-authing-app-id, else
 * x-authing-userpool-id, else (`fallbackToDefault`) the service's default pool.
 */
export async function poolOfRequest(
  request: FastifyRequest,
  s: Services,
  fallbackToDefault: boolean,
): Promise<{ pool: PoolRecord; appId: string | null }> {
  const appId = headerValue(request, 'x-authing-app-id');
  if (appId) {
    const app = await s.directory.requireApp(appId);
    return { pool: await s.directory.requirePool(app.poolId), appId: app.id };
  }
  const poolId = headerValue(request, 'x-authing-userpool-id');
  if (poolId) return { pool: await s.directory.requirePool(poolId), appId: null };
  const fallback = fallbackToDefault ? await s.installation.defaultPoolId() : null;
  if (fallback) return { pool: await s.directory.requirePool(fallback), appId: null };
  return fail('APP_ID_REQUIRED', detail('appOrPoolRequired'));
}
