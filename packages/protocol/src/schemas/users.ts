/** The user as clients see it: Authing's field names, never a password hash. */
import { type Static, Type } from '@sinclair/typebox';
import { JsonObject, Nullable, ObjectId, ObjectIdExample, Timestamp } from './common.js';

const userProperties = {
  id: ObjectId('The user id.'),
  userPoolId: ObjectId('The pool the user belongs to.'),
  username: Nullable(Type.String({ examples: ['alice'] })),
  email: Nullable(Type.String({ examples: ['alice@example.com'] })),
  phone: Nullable(Type.String({ examples: ['+441632960961'] })),
  nickname: Nullable(Type.String({ examples: ['Alice'] })),
  photo: Nullable(Type.String({ description: 'URL of a picture.' })),
  blocked: Type.Boolean({ description: 'A blocked user can neither log in nor approve.' }),
  customData: JsonObject(
    "What the admin stored with the user. In a QR login's answer for a code asked for `withCustomData`, the custom data the page wrote into the code is added (the stored values win where both name a key).",
  ),
  createdAt: Timestamp('When the user was created.'),
  updatedAt: Timestamp('When the user last changed.'),
};

const example = {
  id: '6650f1c2a3b4c5d6e7f80913',
  userPoolId: ObjectIdExample,
  username: 'alice',
  email: 'alice@example.com',
  phone: null,
  nickname: 'Alice',
  photo: null,
  blocked: false,
  customData: {},
  createdAt: '2026-05-04T09:00:00.000Z',
  updatedAt: '2026-05-04T09:00:00.000Z',
};

/** A user of a pool (admin API). */
export const User = Type.Object(userProperties, { title: 'User', examples: [example] });
export type User = Static<typeof User>;

/** A user with a token of their own: the answer of a password login and of a ticket exchange. */
export const UserWithToken = Type.Object(
  {
    ...userProperties,
    token: Type.String({
      description:
        'A JWT (ES256, keys at /.well-known/jwks.json): an app token after a password login, a website token after a QR login.',
    }),
    tokenExpiredAt: Timestamp('When the token expires.'),
  },
  {
    title: 'UserWithToken',
    examples: [{ ...example, token: 'eyJhbGciOiJFUzI1NiIs...', tokenExpiredAt: '2026-05-11T09:30:00.000Z' }],
  },
);
export type UserWithToken = Static<typeof UserWithToken>;

/** What the page may learn of the scanning user before approval. */
export const QrUserPreview = Type.Object(
  {
    nickname: Nullable(Type.String()),
    photo: Nullable(Type.String()),
    customData: Type.Optional(
      JsonObject(
        'At status 2, for a code asked for `withCustomData`: the custom data the page wrote into the code.',
      ),
    ),
  },
  { title: 'QrUserPreview', examples: [{ nickname: 'Alice', photo: null }] },
);
export type QrUserPreview = Static<typeof QrUserPreview>;
