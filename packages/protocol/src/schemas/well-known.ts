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

/**
 * `GET /.well-known/openid-configuration`: the OpenID provider's discovery
 * document (OpenID Connect Discovery 1.0, RFC 8414, RFC 8628), no envelope.
 * Fields the provider may add in a later version are allowed.
 */
const Strings = (description?: string) => Type.Array(Type.String(), description ? { description } : {});
const Url = (description: string, example: string) => Type.String({ description, examples: [example] });
export const OpenIdConfiguration = Type.Object(
  {
    issuer: Url('`PUBLIC_URL`.', 'https://login.example.com'),
    authorization_endpoint: Url('Authorization code + PKCE.', 'https://login.example.com/oidc/auth'),
    token_endpoint: Url('Codes, refresh tokens, device codes.', 'https://login.example.com/oidc/token'),
    userinfo_endpoint: Url("Claims of the access token's user.", 'https://login.example.com/oidc/me'),
    device_authorization_endpoint: Url('RFC 8628.', 'https://login.example.com/oidc/device/auth'),
    end_session_endpoint: Url('RP-initiated logout.', 'https://login.example.com/oidc/session/end'),
    revocation_endpoint: Url('RFC 7009.', 'https://login.example.com/oidc/token/revocation'),
    introspection_endpoint: Url('RFC 7662.', 'https://login.example.com/oidc/token/introspection'),
    pushed_authorization_request_endpoint: Type.Optional(
      Url('RFC 9126.', 'https://login.example.com/oidc/request'),
    ),
    jwks_uri: Url(
      'The key ring (the same keys as our tokens).',
      'https://login.example.com/.well-known/jwks.json',
    ),
    scopes_supported: Strings(),
    claims_supported: Strings(),
    claim_types_supported: Type.Optional(Strings()),
    claims_parameter_supported: Type.Optional(Type.Boolean()),
    grant_types_supported: Strings(),
    response_types_supported: Strings('The authorization code flow only: `code`.'),
    response_modes_supported: Strings(),
    subject_types_supported: Strings(),
    id_token_signing_alg_values_supported: Strings('ES256.'),
    token_endpoint_auth_methods_supported: Strings(),
    code_challenge_methods_supported: Strings('S256.'),
    authorization_response_iss_parameter_supported: Type.Optional(Type.Boolean()),
    request_uri_parameter_supported: Type.Optional(Type.Boolean()),
    dpop_signing_alg_values_supported: Type.Optional(Strings()),
  },
  {
    title: 'OpenIdConfiguration',
    description: 'OpenID Connect discovery metadata, no envelope.',
    additionalProperties: true,
  },
);
export type OpenIdConfiguration = Static<typeof OpenIdConfiguration>;

/** `data` of `GET /health`. */
export const Health = Type.Object({ status: Type.Literal('ok') }, { title: 'Health' });
export type Health = Static<typeof Health>;
