/** The phone's own sessions: each app token belongs to one, which the user (or an admin) can end. */
import { type Static, Type } from '@sinclair/typebox';
import { Nullable, ObjectId, Timestamp } from './common.js';
import { requestDescriptionProperties } from './qrcode.js';

/** One signed-in device: which app, from where, since when. */
export const AppSession = Type.Object(
  {
    id: Type.String({
      description: 'The session id (`sid` of its app token).',
      examples: ['as_Vq3k0Jx9bT6nY1pR8wA4mZc7LdE5sF2h'],
    }),
    current: Type.Boolean({
      description: 'The session of the token that asked (this phone). Always false in the admin API.',
    }),
    app: Nullable(
      Type.Object({
        id: ObjectId('The application.'),
        name: Type.String({ description: '"Deleted application" once it is gone.' }),
      }),
      { description: 'The application the phone signed in through; null when it named only the pool.' },
    ),
    ...requestDescriptionProperties,
    createdAt: Timestamp('When the user signed in.'),
    expiresAt: Timestamp("When the session ends by itself (its token's expiry)."),
  },
  { title: 'AppSession' },
);
export type AppSession = Static<typeof AppSession>;

export const AppSessionList = Type.Array(AppSession, {
  description: 'The live sessions, newest first; the place and browser are those of the sign-in.',
});
export type AppSessionList = Static<typeof AppSessionList>;

export const AppSessionParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 64, description: 'An app session id.' }),
});
export type AppSessionParams = Static<typeof AppSessionParams>;

/** Authing's `logout()` names its app in the query; it is not needed (the token says everything). */
export const LogoutQuery = Type.Object({
  app_id: Type.Optional(Type.String({ maxLength: 64, description: 'Ignored: sent by authing-js-sdk.' })),
});
export type LogoutQuery = Static<typeof LogoutQuery>;

/** `data` of an admin's "sign this user out everywhere". */
export const UserSessionsRevokeResult = Type.Object(
  {
    revoked: Type.Integer({ minimum: 0, description: 'How many sessions were signed out in all.' }),
    appSessions: Type.Integer({ minimum: 0, description: "Of which the user's devices (app tokens)." }),
    webSessions: Type.Integer({ minimum: 0, description: 'Of which websites (QR logins).' }),
  },
  { title: 'UserSessionsRevokeResult', examples: [{ revoked: 3, appSessions: 1, webSessions: 2 }] },
);
export type UserSessionsRevokeResult = Static<typeof UserSessionsRevokeResult>;
