/**
 * Codes typed on the phone ("Enter a code"): an OAuth device's user code
 * (RFC 8628), or the short code under a hosted sign-in page's QR code; and
 * the phone's decision on a device's request. Ours.
 */
import { type Static, Type } from '@sinclair/typebox';
import { Nullable, ObjectId, Timestamp } from './common.js';
import { RequestContextView } from './qrcode.js';

const UserCodeField = (description: string) =>
  Type.String({ minLength: 1, maxLength: 32, description, examples: ['BCDF-GHJK'] });

export const ResolveCodeBody = Type.Object({
  code: UserCodeField(
    'What the user typed: 8 letters of BCDFGHJKLMNPQRSTVWXZ; case, spaces and dashes are ignored.',
  ),
});
export type ResolveCodeBody = Static<typeof ResolveCodeBody>;

/**
 * A device's sign-in request as the phone's confirm screen shows it: the
 * client app, what the device reported about itself when it asked (its
 * User-Agent: claimed, not verified), where its request came from, and how
 * near that is to the phone.
 */
export const DeviceRequestContext = Type.Object(
  {
    userCode: Type.String({ description: 'The code the device shows.', examples: ['BCDF-GHJK'] }),
    app: Type.Object({
      id: ObjectId('The client application.'),
      name: Type.String(),
      logo: Nullable(Type.String()),
    }),
    ip: Nullable(Type.String(), { description: "The device's address at its request." }),
    place: Nullable(Type.String(), { description: 'A coarse place of that address; null when unknown.' }),
    browser: Nullable(Type.String(), { description: 'From the User-Agent: claimed, not verified.' }),
    os: Nullable(Type.String(), { description: 'From the User-Agent: claimed, not verified.' }),
    reportedByDevice: Type.Literal(true, {
      description: "`browser` and `os` come from the device's User-Agent: claimed, not verified.",
    }),
    scopes: Type.Array(Type.String(), { description: 'What the device asks for (OpenID scopes).' }),
    createdAt: Timestamp('When the device asked.'),
    expiresAt: Timestamp('When the request expires.'),
    proximity: RequestContextView.properties.proximity,
    stepUpRequired: Type.Boolean({
      description: "Approving needs the user's password (the pool's step-up policy, on a mismatch).",
    }),
  },
  { title: 'DeviceRequestContext' },
);
export type DeviceRequestContext = Static<typeof DeviceRequestContext>;

/**
 * `data` of `POST /api/v2/codes/resolve`: what a typed code stands for. A
 * sign-in page's short code continues exactly like a scanned QR code
 * (`payload` is that code's text); a device's code gets its own confirm screen.
 */
export const CodeResolution = Type.Union(
  [
    Type.Object(
      {
        kind: Type.Literal('qr'),
        payload: Type.String({ description: 'The text of the QR code the page shows now (signed).' }),
      },
      { title: 'SignInPageCode' },
    ),
    Type.Object({ kind: Type.Literal('device'), device: DeviceRequestContext }, { title: 'DeviceCode' }),
  ],
  { title: 'CodeResolution' },
);
export type CodeResolution = Static<typeof CodeResolution>;

export const DeviceApproveBody = Type.Object({
  userCode: UserCodeField("The device's code, as `resolve` showed it."),
  password: Type.Optional(
    Type.String({
      maxLength: 1024,
      description: "The user's password, when the request says `stepUpRequired`. Never logged.",
    }),
  ),
});
export type DeviceApproveBody = Static<typeof DeviceApproveBody>;

export const DeviceDenyBody = Type.Object({
  userCode: UserCodeField("The device's code, as `resolve` showed it."),
});
export type DeviceDenyBody = Static<typeof DeviceDenyBody>;

/** `data` of `POST /api/v2/device/approve` and `/deny`. */
export const DeviceDecision = Type.Object(
  {
    userCode: Type.String({ examples: ['BCDF-GHJK'] }),
    approved: Type.Boolean(),
    app: Type.Object({ id: ObjectId('The client application.'), name: Type.String() }),
  },
  { title: 'DeviceDecision' },
);
export type DeviceDecision = Static<typeof DeviceDecision>;
