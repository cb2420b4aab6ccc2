import type { FastifyInstance } from 'fastify';
import type { Services } from '../../services.js';
import { forwardToProvider } from './oidc/forward.js';

/**
 * GET /.well-known/openid-configuration (and RFC 8414's oauth-authorization-server):
 * the OpenID provider's own discovery document, so it names exactly what is
 * served: the issuer (PUBLIC_URL), authorization, token, userinfo, device
 * authorization, end-session, revocation and introspection endpoints, PKCE
 * S256, ES256, and the JWKS at /.well-known/jwks.json (the same keys as our tokens).
 */
export default function openidConfigurationRoute(app: FastifyInstance, s: Services): void {
  for (const url of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']) {
    app.get(url, (request, reply) => {
      forwardToProvider(request, reply, s);
    });
  }
}
