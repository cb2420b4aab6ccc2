/** Public metadata: the pool's config, the signing keys, discovery, health. */
import { type Static, Type } from '@sinclair/typebox';
import { ObjectId } from './common.js';

/** `data` of `GET /api/v2/.well-known`: the pool's public configuration. */
export const PoolPublicConfig = Type.Object(
  {
    userPoolId: ObjectId('The pool.'),
    name: Type.String({ examples: ['Default pool'] }),
    publicKey: Type.String({
      description:
        'PEM (SPKI) RSA public key: a password encrypted with it (PKCS#1 v1.5, base64) may be sent to login.',
    }),
  },
  { title: 'PoolPublicConfig' },
);
export type PoolPublicConfig = Static<typeof PoolPublicConfig>;

/** One public signing key (an EC P-256 JWK). */
export const PublicJwk = Type.Object(
  {
    kty: Type.Literal('EC'),
    crv: Type.Literal('P-256'),
    x: Type.String(),
    y: Type.String(),
    kid: Type.String({ description: 'The RFC 7638 thumbprint of the key.' }),
    alg: Type.Literal('ES256'),
    use: Type.Literal('sig'),
  },
  { title: 'PublicJwk' },
);
export type PublicJwk = Static<typeof PublicJwk>;

/** `GET /.well-known/jwks.json`: a plain JWK Set (no envelope). */
export const Jwks = Type.Object(
  {
    keys: Type.Array(PublicJwk, {
      description: 'Every key a live token may carry, including a newly published one not yet signing.',
    }),
  },
  { title: 'JWKS', description: 'A JWK Set (RFC 7517), no envelope.' },
);
export type Jwks = Static<typeof Jwks>;

/** `GET /.well-known/openid-configuration`: enough discovery for JWT libraries to find the keys (no envelope). */
export const OpenIdConfiguration = Type.Object(
  {
    issuer: Type.String({ examples: ['https://login.example.com'] }),
    jwks_uri: Type.String({ examples: ['https://login.example.com/.well-known/jwks.json'] }),
    response_types_supported: Type.Array(Type.String()),
    subject_types_supported: Type.Array(Type.String()),
    id_token_signing_alg_values_supported: Type.Array(Type.String()),
    token_endpoint_auth_methods_supported: Type.Array(Type.String()),
    claims_supported: Type.Array(Type.String()),
  },
  { title: 'OpenIdConfiguration', description: 'OpenID Connect discovery metadata (partial), no envelope.' },
);
export type OpenIdConfiguration = Static<typeof OpenIdConfiguration>;

/** `data` of `GET /health`. */
export const Health = Type.Object({ status: Type.Literal('ok') }, { title: 'Health' });
export type Health = Static<typeof Health>;
