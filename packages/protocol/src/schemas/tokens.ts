/** Password login (the app's token) and token validation (for website backends). */
import { type Static, Type } from '@sinclair/typebox';
import { JsonObject, ObjectId } from './common.js';

export const LoginAccountBody = Type.Object(
  {
    account: Type.String({
      minLength: 1,
      maxLength: 320,
      description: 'A username, an email or a phone number.',
      examples: ['alice'],
    }),
    password: Type.String({
      minLength: 1,
      maxLength: 1024,
      description:
        "Plain over TLS, or RSA-encrypted (PKCS#1 v1.5, base64) with the pool's `publicKey` from `GET /api/v2/.well-known`.",
    }),
  },
  { examples: [{ account: 'alice', password: 'alice-demo-pass' }] },
);
export type LoginAccountBody = Static<typeof LoginAccountBody>;

/**
 * Names the pool when no application is named (`x-authing-app-id` wins);
 * declared for the documentation, unconstrained like every header.
 */
export const PoolHeaders = Type.Object({
  'x-authing-userpool-id': Type.Optional(
    Type.String({ description: 'The user pool, when no application is named in `x-authing-app-id`.' }),
  ),
});
export type PoolHeaders = Static<typeof PoolHeaders>;

export const TokenValidateBody = Type.Object(
  { token: Type.String({ minLength: 1, maxLength: 8192, description: 'The JWT to check.' }) },
  { description: 'The token travels in the body so that it stays out of URLs and logs.' },
);
export type TokenValidateBody = Static<typeof TokenValidateBody>;

/** The claims of the service's tokens. */
export const tokenClaimsProperties = {
  iss: Type.String({ description: 'The service (its public URL).' }),
  sub: ObjectId('The user.'),
  aud: Type.String({ description: 'The application (or the pool, for a login that named none).' }),
  iat: Type.Integer({ description: 'Issued at (seconds since 1970).' }),
  exp: Type.Integer({ description: 'Expires at (seconds since 1970).' }),
  jti: Type.String(),
  userpool_id: ObjectId('The pool of the user.'),
  token_use: Type.Union([Type.Literal('app'), Type.Literal('web')], {
    description: "`app`: the phone's own token (password login); `web`: a website's token (QR login).",
  }),
  amr: Type.Array(Type.String(), {
    description: 'Authentication methods (RFC 8176): `pwd` for a password login, `qr` for a QR approval.',
  }),
  sid: Type.Optional(
    Type.String({
      description:
        'The session the token belongs to: its web session (website tokens) or its app session (app tokens). Every token the service issues carries one; app tokens issued before app sessions existed did not, and are refused.',
    }),
  ),
  custom_data: Type.Optional(
    JsonObject(
      'Website tokens of a QR login whose page asked `withCustomData`: the custom data written into the code (`params` / `customData` of `gene`), as the page sent it. Signed with the token, so a backend can trust that it is what the code carried, whatever the browser passes along beside it.',
    ),
  ),
};

/** The claims of a token of the service (app or website). */
export const TokenClaims = Type.Object(tokenClaimsProperties, { title: 'TokenClaims' });
export type TokenClaims = Static<typeof TokenClaims>;

export const ActiveToken = Type.Object(
  { active: Type.Literal(true), ...tokenClaimsProperties },
  { title: 'ActiveToken' },
);
export type ActiveToken = Static<typeof ActiveToken>;

export const InactiveToken = Type.Object({ active: Type.Literal(false) }, { title: 'InactiveToken' });
export type InactiveToken = Static<typeof InactiveToken>;

/**
 * `data` of `POST /api/v2/token/validate`, in the spirit of RFC 7662: a bad,
 * expired or revoked token is not an error of the call, it is `{active: false}`.
 */
export const TokenValidateResult = Type.Union([ActiveToken, InactiveToken]);
export type TokenValidateResult = Static<typeof TokenValidateResult>;
