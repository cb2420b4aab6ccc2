import { routes } from '@scanlogin/protocol';
import { userView } from '../../domain/directory/views.js';
import type { Services } from '../../services.js';
import { ok } from '../envelope.js';
import { operation, type TypedApp } from '../route.js';
import { poolOfRequest } from './pool-of-request.js';

/**
 * POST /api/v2/login/account: the app's password login (the password plain,
 * or RSA-encrypted with the pool's key from /api/v2/.well-known). Answers the
 * user with an app token (audience: the app, or the pool when no app is named).
 */
export default function loginAccountRoute(app: TypedApp, s: Services): void {
  app.route({
    ...operation(routes.loginAccount),
    handler: async (request) => {
      await s.limiter.hit(`login:ip:${request.ip}`, s.config.rateLoginPerIp, 60_000);
      const { pool, appId } = await poolOfRequest(request, s, false);
      const user = await s.directory.authenticate({
        poolId: pool.id,
        account: request.body.account,
        password: request.body.password,
        ip: request.ip,
      });
      const issued = await s.tokens.issue({ user, audience: appId ?? pool.id, use: 'app' });
      return ok(userView(user, { token: issued.token, exp: issued.claims.exp }));
    },
  });
}
