import { routes } from '@scanlogin/protocol';
import type { FastifyRequest } from 'fastify';
import { fail } from '../../domain/errors.js';
import type { AppRecord } from '../../domain/ports.js';
import type { Services } from '../../services.js';
import { assertOriginAllowed, basicCredentials, headerValue, requireAppSecret } from '../auth.js';
import { bindingProof } from '../binding.js';
import { ok } from '../envelope.js';
import { operation, type TypedApp } from '../route.js';

/**
 * The caller's application: proven by its secret (HTTP Basic), or, only when
 * the app allows browser exchange, named by x-authing-app-id from an allowed origin.
 */
async function exchangingApp(
  request: FastifyRequest,
  s: Services,
): Promise<{ app: AppRecord; browser: boolean }> {
  if (basicCredentials(request)) {
    const app = await requireAppSecret(request, s);
    const named = headerValue(request, 'x-authing-app-id');
    if (named && named !== app.id) fail('INVALID_APP_CREDENTIALS');
    return { app, browser: false };
  }
  const app = await s.directory.requireApp(headerValue(request, 'x-authing-app-id'));
  if (!app.qr.allowExchangeUserInfoFromBrowser) fail('BROWSER_EXCHANGE_DISABLED');
  assertOriginAllowed(request, app);
  return { app, browser: true };
}

/** POST /api/v2/qrcode/userinfo: redeem a ticket (once) for the user and a token of the site's own. */
export default function userinfoRoute(app: TypedApp, s: Services): void {
  app.route({
    ...operation(routes.qrcodeUserinfo),
    handler: async (request) => {
      const { app: application, browser } = await exchangingApp(request, s);
      const proof = browser ? { proof: bindingProof(request) } : undefined;
      return ok(await s.qr.exchange(request.body.ticket, application, proof));
    },
  });
}
