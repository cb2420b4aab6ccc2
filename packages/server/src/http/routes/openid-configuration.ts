import type { FastifyInstance } from 'fastify';
import type { Services } from '../../services.js';
import { PUBLIC_CORS } from '../cors.js';

/** GET /.well-known/openid-configuration: enough discovery metadata for JWT libraries to find the keys. */
export default function openidConfigurationRoute(app: FastifyInstance, s: Services): void {
  const doc = {
    issuer: s.config.publicUrl,
    jwks_uri: `${s.config.publicUrl}/.well-known/jwks.json`,
    response_types_supported: ['none'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['ES256'],
    token_endpoint_auth_methods_supported: ['client_secret_basic'],
    claims_supported: ['iss', 'sub', 'aud', 'iat', 'exp', 'jti', 'userpool_id', 'token_use', 'amr', 'sid'],
  };
  app.get(
    '/.well-known/openid-configuration',
    { config: { [PUBLIC_CORS]: true } },
    async (_request, reply) => {
      reply.header('cache-control', 'public, max-age=300');
      return doc;
    },
  );
}
