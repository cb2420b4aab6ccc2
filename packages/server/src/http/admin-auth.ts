import type { FastifyInstance, FastifyRequest } from 'fastify';
import { fail } from '../domain/errors.js';
import type { Services } from '../services.js';
import { bearerToken } from './auth.js';

/** Adds an admin-credential check to every route registered in `scope`. */
export function requireAdmin(scope: FastifyInstance, s: Services): void {
  scope.addHook('onRequest', async (request: FastifyRequest) => {
    const given = bearerToken(request);
    if (!given || !(await s.installation.verifyAdminToken(given))) fail('ADMIN_AUTH_REQUIRED');
  });
}
