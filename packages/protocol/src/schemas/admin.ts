/**
 * The management API (`/api/admin/...`, admin token). Unlike the public
 * calls, its bodies refuse unknown fields (`additionalProperties: false`):
 * a misspelt setting is an error, not silently nothing.
 */
import { type Static, Type } from '@sinclair/typebox';
import { JsonObject, Nullable, ObjectId, ObjectIdExample, StringEnum, Timestamp } from './common.js';
import { ProximityPolicy } from './qrcode.js';

export const IdParams = Type.Object({
  id: Type.String({
    minLength: 1,
    maxLength: 64,
    description: 'The object id.',
    examples: [ObjectIdExample],
  }),
});
export type IdParams = Static<typeof IdParams>;

const PoolIdField = Type.String({ minLength: 1, maxLength: 64, examples: [ObjectIdExample] });

// --- pools -------------------------------------------------------------------

const poolSecurityProperties = {
  proximityPolicy: Type.Optional(
    StringEnum(['allow', 'warn', 'step-up', 'deny'], { description: ProximityPolicy.description }),
  ),
  checkCode: Type.Optional(
    Type.Boolean({ description: 'The page shows a two-digit number the user must pick on the phone.' }),
  ),
  requireBinding: Type.Optional(
    Type.Boolean({ description: 'The ticket is shown only to the browser holding the binding secret.' }),
  ),
  // 0 turns rotation off; below 10 s a phone can barely scan before the id changes. An integer with
  // `anyOf` (not a union of an integer and a constant): a fraction is then refused as "must be integer".
  rotateQrEvery: Type.Optional(
    Type.Integer({
      anyOf: [{ const: 0 }, { minimum: 10, maximum: 3600 }],
      description: 'Seconds each public id of a rotating code lives; 0 turns rotation off.',
    }),
  ),
};

const PoolName = Type.String({ minLength: 1, maxLength: 100, examples: ['Staff'] });

export const CreatePoolBody = Type.Object(
  { name: PoolName, ...poolSecurityProperties },
  { additionalProperties: false, examples: [{ name: 'Staff', proximityPolicy: 'step-up', checkCode: true }] },
);
export type CreatePoolBody = Static<typeof CreatePoolBody>;

export const UpdatePoolBody = Type.Object(
  { name: Type.Optional(PoolName), ...poolSecurityProperties },
  { additionalProperties: false, examples: [{ rotateQrEvery: 0 }] },
);
export type UpdatePoolBody = Static<typeof UpdatePoolBody>;

export const Pool = Type.Object(
  {
    id: ObjectId('The pool.'),
    name: Type.String(),
    proximityPolicy: ProximityPolicy,
    checkCode: Type.Boolean(),
    requireBinding: Type.Boolean(),
    rotateQrEvery: Type.Integer({ minimum: 0 }),
    publicKey: Type.String({ description: 'PEM RSA public key for password encryption.' }),
    createdAt: Timestamp('When the pool was created.'),
  },
  { title: 'Pool' },
);
export type Pool = Static<typeof Pool>;

export const PoolList = Type.Array(Pool);
export type PoolList = Static<typeof PoolList>;

// --- apps --------------------------------------------------------------------

/** The writable QR settings of an app, as Authing names them. */
const qrSettingsProperties = {
  qrcodeExpiresAfter: Type.Optional(
    Type.Integer({ minimum: 10, maximum: 3600, description: 'Lifetime of a code (s); default 120.' }),
  ),
  ticketExpiresAfter: Type.Optional(
    Type.Integer({ minimum: 10, maximum: 3600, description: 'Lifetime of a ticket (s); default 300.' }),
  ),
  returnFullUserInfo: Type.Optional(
    Type.Boolean({ description: '`check` returns the full user (with a token) at status 2.' }),
  ),
  allowExchangeUserInfoFromBrowser: Type.Optional(
    Type.Boolean({
      description: 'The page may redeem the ticket itself (`x-authing-app-id`, allowed origin, binding).',
    }),
  ),
};

/** The app as an OpenID Connect client (client id = app id, secret = app secret). */
const RedirectUris = (description: string, example: string) =>
  Type.Array(Type.String({ maxLength: 2048 }), { maxItems: 20, description, examples: [[example]] });
const oidcClientProperties = {
  redirectUris: Type.Optional(
    RedirectUris(
      'Where the OpenID provider may send the browser back with a code (exact match): absolute https:// URLs, or http://localhost / 127.0.0.1 for development; no fragment.',
      'https://shop.example.com/auth/callback',
    ),
  ),
  postLogoutRedirectUris: Type.Optional(
    RedirectUris(
      'Where RP-initiated logout may send the browser afterwards; the same rules.',
      'https://shop.example.com/',
    ),
  ),
  publicClient: Type.Optional(
    Type.Boolean({
      description:
        'A client without a secret (a TV, a CLI, a single-page app): token endpoint authentication `none`, PKCE required.',
    }),
  ),
};

const appProperties = {
  name: Type.String({ minLength: 1, maxLength: 100, examples: ['Shop'] }),
  logo: Type.Optional(Nullable(Type.String({ maxLength: 2048 }), { description: 'URL of a logo.' })),
  allowedOrigins: Type.Optional(
    Type.Array(Type.String({ maxLength: 256 }), {
      maxItems: 50,
      description: 'Web origins allowed to ask for codes (and read answers cross-origin).',
      examples: [['https://shop.example.com']],
    }),
  ),
  ...qrSettingsProperties,
  ...oidcClientProperties,
};

export const ListAppsQuery = Type.Object({
  userPoolId: Type.Optional(Type.String({ maxLength: 64, description: 'Only the apps of this pool.' })),
});
export type ListAppsQuery = Static<typeof ListAppsQuery>;

export const CreateAppBody = Type.Object(
  { userPoolId: PoolIdField, ...appProperties },
  {
    additionalProperties: false,
    examples: [{ userPoolId: ObjectIdExample, name: 'Shop', allowedOrigins: ['https://shop.example.com'] }],
  },
);
export type CreateAppBody = Static<typeof CreateAppBody>;

export const UpdateAppBody = Type.Object(
  { ...appProperties, name: Type.Optional(appProperties.name) },
  { additionalProperties: false, examples: [{ returnFullUserInfo: true }] },
);
export type UpdateAppBody = Static<typeof UpdateAppBody>;

const appViewProperties = {
  id: ObjectId('The application (`x-authing-app-id`).'),
  userPoolId: ObjectId('Its pool.'),
  name: Type.String(),
  logo: Nullable(Type.String()),
  allowedOrigins: Type.Array(Type.String()),
  qrcodeExpiresAfter: Type.Integer(),
  ticketExpiresAfter: Type.Integer(),
  returnFullUserInfo: Type.Boolean(),
  allowExchangeUserInfoFromBrowser: Type.Boolean(),
  createdAt: Timestamp('When the app was created.'),
  redirectUris: Type.Array(Type.String(), { description: 'OpenID Connect redirect URIs.' }),
  postLogoutRedirectUris: Type.Array(Type.String(), {
    description: 'OpenID Connect post-logout redirect URIs.',
  }),
  publicClient: Type.Boolean({ description: 'An OpenID Connect client without a secret.' }),
};

export const App = Type.Object(appViewProperties, { title: 'App' });
export type App = Static<typeof App>;

export const AppList = Type.Array(App);
export type AppList = Static<typeof AppList>;

/** An app with its secret: only in the answers of create and rotate-secret, never again. */
export const AppWithSecret = Type.Object(
  {
    ...appViewProperties,
    secret: Type.String({ description: 'The app secret (HTTP Basic `appId:appSecret`); shown once.' }),
  },
  { title: 'AppWithSecret' },
);
export type AppWithSecret = Static<typeof AppWithSecret>;

// --- users -------------------------------------------------------------------

const NullableString = (maxLength: number) => Type.Optional(Nullable(Type.String({ maxLength })));

const userWritableProperties = {
  username: NullableString(100),
  email: NullableString(320),
  phone: NullableString(32),
  password: Type.Optional(
    Nullable(Type.String({ minLength: 8, maxLength: 1024 }), { description: 'Null removes the password.' }),
  ),
  nickname: NullableString(100),
  photo: NullableString(2048),
  blocked: Type.Optional(Type.Boolean()),
  customData: Type.Optional(JsonObject('Anything the admin wants to keep with the user.')),
};

export const ListUsersQuery = Type.Object({
  userPoolId: PoolIdField,
  limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,4}$', description: 'At most 1000; default 100.' })),
  offset: Type.Optional(Type.String({ pattern: '^[0-9]{1,9}$', description: 'Default 0.' })),
});
export type ListUsersQuery = Static<typeof ListUsersQuery>;

export const CreateUserBody = Type.Object(
  { userPoolId: PoolIdField, ...userWritableProperties },
  {
    additionalProperties: false,
    description: 'A user needs a username, an email or a phone.',
    examples: [{ userPoolId: ObjectIdExample, username: 'carol', password: 'carol-password' }],
  },
);
export type CreateUserBody = Static<typeof CreateUserBody>;

export const UpdateUserBody = Type.Object(userWritableProperties, {
  additionalProperties: false,
  examples: [{ blocked: true }],
});
export type UpdateUserBody = Static<typeof UpdateUserBody>;

// --- keys and audit -------------------------------------------------------------

export const RotateKeyResult = Type.Object(
  { kid: Type.String({ description: 'The new key: published now, signing after a short delay.' }) },
  { title: 'RotateKeyResult' },
);
export type RotateKeyResult = Static<typeof RotateKeyResult>;

export const AuditQuery = Type.Object({
  userPoolId: PoolIdField,
  before: Type.Optional(
    Type.String({ format: 'date-time', description: 'Only lines older than this instant (paging).' }),
  ),
  limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,3}$', description: 'At most 500; default 100.' })),
});
export type AuditQuery = Static<typeof AuditQuery>;
