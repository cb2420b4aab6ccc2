import { routes } from '@scanlogin/protocol';
import { ServiceError } from '../../domain/errors.js';
import type { Services } from '../../services.js';
import { ok } from '../envelope.js';
import { operation, type TypedApp } from '../route.js';

/**
 * POST /api/v2/token/validate: is this token good right now? In the spirit of
 * RFC 7662: a bad token is not an error of the call, it answers
 * `{active: false}`. A token is active only while its session is: a website's
 * its web session, an app token its app session (either can be ended). The
 * token travels in the body so it stays out of URLs and logs.
 */
export default function tokenValidateRoute(app: TypedApp, s: Services): void {
  app.route({
    ...operation(routes.tokenValidate),
    handler: async (request) => {
      try {
        const claims = await s.sessionTokens.verify(request.body.token);
        const user = await s.directory.getUser(claims.sub);
        if (!user || user.blocked) return ok({ active: false as const });
        return ok({ active: true as const, ...claims });
      } catch (err) {
        if (err instanceof ServiceError) return ok({ active: false as const });
        throw err;
      }
    },
  });
}
