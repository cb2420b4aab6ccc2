import { routes } from '@scanlogin/protocol';
import type { Services } from '../../../services.js';
import { requireAppUser } from '../../auth.js';
import { ok } from '../../envelope.js';
import { operation, type TypedApp } from '../../route.js';

/**
 * The companion's "Enter a code" (app token, like the QR calls):
 * - POST /api/v2/codes/resolve   {code} → a device's request (RFC 8628 user code) with its
 *   context for the confirm screen, or a sign-in page's QR code (then go on as after a scan);
 * - POST /api/v2/device/approve  {userCode, password?} (password: the pool's step-up);
 * - POST /api/v2/device/deny     {userCode}: the device's next poll gets access_denied.
 * Wrong codes are throttled per user and per address (see OidcSignIn.resolveCode).
 */
export default function typedCodeRoutes(app: TypedApp, s: Services): void {
  app.route({
    ...operation(routes.codesResolve),
    handler: async (request) => {
      const { user } = await requireAppUser(request, s);
      return ok(await s.oidc.signIn.resolveCode(request.body.code, { user, ip: request.ip }));
    },
  });

  app.route({
    ...operation(routes.deviceApprove),
    handler: async (request) => {
      const { user } = await requireAppUser(request, s);
      const actor = { user, ip: request.ip };
      return ok(await s.oidc.signIn.approveDevice(request.body.userCode, actor, request.body.password));
    },
  });

  app.route({
    ...operation(routes.deviceDeny),
    handler: async (request) => {
      const { user } = await requireAppUser(request, s);
      return ok(await s.oidc.signIn.denyDevice(request.body.userCode, { user, ip: request.ip }));
    },
  });
}
