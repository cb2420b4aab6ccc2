import type { FastifyInstance, FastifyRequest } from 'fastify';
import { safeEqual, sha256Hex } from '../domain/directory/service.js';
import { fail } from '../domain/errors.js';
import { META } from '../domain/ports.js';
import type { Services } from '../services.js';
import { bearerToken } from './auth.js';

/** Adds an admin-credential check to every route registered in `scope`. */
export function requireAdmin(scope: FastifyInstance, s: Services): void {
  scope.addHook('onRequest', async (request: FastifyRequest) => {
    const given = bearerToken(request);
    if (!given) return fail('ADMIN_AUTH_REQUIRED');
    const expected = s.config.adminToken
      ? sha256Hex(s.config.adminToken)
      : await s.directory.store.getMeta(META.adminTokenHash);
    if (!expected || !safeEqual(sha256Hex(given), expected)) fail('ADMIN_AUTH_REQUIRED');
  });
}
