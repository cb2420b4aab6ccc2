/** The websites signed in through a user's QR logins ("where you're logged in"). */
import { type Static, Type } from '@sinclair/typebox';
import { ObjectId, Timestamp } from './common.js';
import { requestDescriptionProperties } from './qrcode.js';

/** One live web session: which site, from where, since when. */
export const WebSession = Type.Object(
  {
    id: Type.String({
      description: 'The session id (`sid` of its tokens).',
      examples: ['ws_3q2Xv0k9bJ1nT6yP8rA4mZc7LdE5sF0h'],
    }),
    app: Type.Object({
      id: ObjectId('The application.'),
      name: Type.String({ description: '"Deleted application" once it is gone.' }),
    }),
    ...requestDescriptionProperties,
    createdAt: Timestamp('When the login was redeemed.'),
    expiresAt: Timestamp("When the session ends by itself (its tokens' expiry)."),
  },
  { title: 'WebSession' },
);
export type WebSession = Static<typeof WebSession>;

export const WebSessionList = Type.Array(WebSession, { description: 'The live sessions, newest first.' });
export type WebSessionList = Static<typeof WebSessionList>;

export const WebSessionParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 64, description: 'A web session id.' }),
});
export type WebSessionParams = Static<typeof WebSessionParams>;

/** `data` of a revocation: how many sessions were ended. */
export const RevokeResult = Type.Object(
  { revoked: Type.Integer({ minimum: 0, description: 'How many sessions were signed out.' }) },
  { title: 'RevokeResult', examples: [{ revoked: 1 }] },
);
export type RevokeResult = Static<typeof RevokeResult>;
