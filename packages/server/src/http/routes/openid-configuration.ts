import { routes } from '@scanlogin/protocol';
import type { Services } from '../../services.js';
import { operation, type TypedApp } from '../route.js';

/** GET /.well-known/openid-configuration: enough discovery metadata for JWT libraries to find the keys. */
export default function openidConfigurationRoute(app: TypedApp, s: Services): void {
  const doc = {
    issuer: s.config.publicUrl,
    jwks_uri: `${s.config.publicUrl}/.well-known/jwks.json`,
    response_types_supported: ['none'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['ES256'],
    token_endpoint_auth_methods_supported: ['client_secret_basic'],
    claims_supported: ['iss', 'sub', 'aud', 'iat', 'exp', 'jti', 'userpool_id', 'token_use', 'amr', 'sid'],
  };
  app.route({
    ...operation(routes.openidConfiguration),
    handler: async (_request, reply) => {
      reply.header('cache-control', 'public, max-age=300');
      return doc;
    },
  });
}
