import { routes } from '@scanlogin/protocol';
import type { Services } from '../../services.js';
import { requestContextOf } from '../auth.js';
import { ok } from '../envelope.js';
import { operation, type TypedApp } from '../route.js';
import { poolOfRequest } from './pool-of-request.js';

/**
 * POST /api/v2/login/account: the app's password login (the password plain,
 * or RSA-encrypted with the pool's key from /api/v2/.well-known). Answers the
 * user with an app token (audience: the app, or the pool when no app is named)
 * of a new app session. The use case is AppSessionService.passwordLogin, which
 * authing-js-sdk's GraphQL login (graphql-login.ts) shares.
 */
export default function loginAccountRoute(app: TypedApp, s: Services): void {
  app.route({
    ...operation(routes.loginAccount),
    handler: async (request) => {
      const { pool, appId } = await poolOfRequest(request, s, false);
      return ok(
        await s.appSessions.passwordLogin({
          pool,
          appId,
          account: request.body.account,
          password: request.body.password,
          ip: request.ip,
          requestContext: requestContextOf(request),
        }),
      );
    },
  });
}
