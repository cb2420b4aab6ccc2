import { routes } from '@scanlogin/protocol';
import type { Services } from '../../services.js';
import { operation, type TypedApp } from '../route.js';
import { forwardToProvider } from './oidc/forward.js';

/**
 * GET /.well-known/openid-configuration (and RFC 8414's oauth-authorization-server):
 * the OpenID provider's own discovery document, so it names exactly what is
 * served: the issuer (PUBLIC_URL), authorization, token, userinfo, device
 * authorization, end-session, revocation and introspection endpoints, PKCE
 * S256, ES256, and the JWKS at /.well-known/jwks.json (the same keys as our
 * tokens). The table's schema describes it; the provider writes it.
 */
export default function openidConfigurationRoute(app: TypedApp, s: Services): void {
  for (const r of [routes.openidConfiguration, routes.oauthAuthorizationServer]) {
    app.route({
      ...operation(r),
      handler: (request, reply) => {
        forwardToProvider(request, reply, s);
      },
    });
  }
}
