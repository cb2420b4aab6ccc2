import type { FastifyInstance } from 'fastify';
import type { Services } from '../../../services.js';
import oidcAssetRoutes from './assets.js';
import interactionAbortRoute from './interaction-abort.js';
import interactionConsentRoute from './interaction-consent.js';
import interactionPageRoute from './interaction-page.js';
import interactionQrRoute from './interaction-qr.js';
import interactionShortCodeRoute from './interaction-short-code.js';
import oidcProviderRoutes from './provider.js';
import typedCodeRoutes from './typed-codes.js';

/**
 * OpenID Connect and the device grant (src/oidc/): our sign-in pages and the
 * companion's typed codes, then everything else under /oidc/ for the provider.
 * Discovery is /.well-known/openid-configuration (../openid-configuration.ts).
 */
export default function oidcRoutes(app: FastifyInstance, s: Services): void {
  // The provider's unexpected errors go to the service's log.
  s.oidc.onServerError = (err) => app.log.error({ err }, 'oidc-provider error');
  for (const route of [
    interactionPageRoute,
    interactionQrRoute,
    interactionShortCodeRoute,
    interactionConsentRoute,
    interactionAbortRoute,
    oidcAssetRoutes,
    typedCodeRoutes,
    oidcProviderRoutes,
  ]) {
    route(app, s);
  }
}
