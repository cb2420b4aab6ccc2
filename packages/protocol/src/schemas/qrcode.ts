/**
 * The QR login calls: the page's (gene, rotate, check, events, image), the
 * phone's (scanned, confirm, cancel, step-up, context, history) and the
 * website backend's ticket exchange (userinfo).
 *
 * Request schemas accept exactly what the service accepted before they were
 * written here: same required fields, bounds and patterns, and unknown fields
 * are allowed (no `additionalProperties: false`), because authing-js-sdk sends
 * fields we do not use. Query values are strings: the service does not coerce.
 */
import { type Static, Type } from '@sinclair/typebox';
import { STEP_UP_AWARE_PARAM } from '../status.js';
import { PAGE_CONTEXT_LIMITS } from '../text.js';
import {
  JsonObject,
  Nullable,
  ObjectId,
  QrStatusSchema,
  RandomExample,
  StringEnum,
  Timestamp,
} from './common.js';
import { QrUserPreview, UserWithToken } from './users.js';

/** The id of a code in a request: what the page polls with, or the id the phone read from the code. */
const RandomField = (description: string) =>
  Type.String({ minLength: 1, maxLength: 128, description, examples: [RandomExample] });

const BindingQuery = Type.String({
  maxLength: 64,
  description:
    'The browser binding secret, for clients that can neither send the cookie nor the `x-scanlogin-binding` header (EventSource). Never logged.',
});

// --- generate ----------------------------------------------------------------

export const GenerateBody = Type.Object(
  {
    scene: Type.Optional(StringEnum(['APP_AUTH'], { description: 'The only scene there is.' })),
    autoMergeQrCode: Type.Optional(
      Type.Boolean({
        description:
          "Sent by authing-js-sdk (always false). Authing uses it for WeChat mini-program codes, to draw the app's logo into the image on the server; codes here carry no logo, so it changes nothing.",
      }),
    ),
    params: Type.Optional(
      Nullable(JsonObject('Custom data written into the code (the name authing-js-sdk uses).')),
    ),
    customData: Type.Optional(
      Nullable(
        JsonObject('Custom data written into the code; wins over `params`. At most 512 bytes of JSON.'),
      ),
    ),
    context: Type.Optional(
      Nullable(
        JsonObject(
          "What the page says about itself (authing-js-sdk's `context`; Authing hands it to its pipeline). Kept with the code and shown to the phone that scanned it, labelled as the page's own words, never as the site's name or origin. At most 1024 bytes of JSON.",
        ),
      ),
    ),
    withCustomData: Type.Optional(
      Type.Boolean({
        description:
          "Return the custom data with the user: once the code is approved, `userInfo.customData` of `check` (to the browser that asked) and `customData` of the `userinfo` exchange carry it, under the user's stored custom data.",
      }),
    ),
    extIdpConnId: Type.Optional(
      Nullable(
        Type.String({
          maxLength: 128,
          description:
            'Sent by authing-js-sdk: on Authing, the external identity provider connection of a multi-tenant setup. There are no external identity providers here; it is accepted and changes nothing.',
        }),
      ),
    ),
    rotate: Type.Optional(
      Type.Boolean({
        description:
          "Ours: the page will rotate the code's public id on the pool's schedule (`rotatesIn`, then `POST /api/v2/qrcode/rotate`).",
      }),
    ),
  },
  {
    description: 'Every field is optional; a request without a body is a plain request for a code.',
    examples: [
      { autoMergeQrCode: false, scene: 'APP_AUTH', params: { from: 'checkout' } },
      {
        autoMergeQrCode: false,
        scene: 'APP_AUTH',
        params: { cart: 'c-42' },
        withCustomData: true,
        context: { campaign: 'spring' },
      },
    ],
  },
);
export type GenerateBody = Static<typeof GenerateBody>;

const codeProperties = {
  random: Type.String({
    description: 'The key the page polls with (`check`, `events`); never shown in a rotating code.',
    examples: [RandomExample],
  }),
  url: Type.String({
    description:
      'An image of the code (PNG; the same path with `.svg` gives SVG), readable cross-origin so that a page can draw it on a canvas. Named by the public id it shows: after a rotation it answers an error, and the `rotate` answer carries the new one.',
    examples: [`https://login.example.com/api/v2/qrcode/image/${RandomExample}.png`],
  }),
  expiresIn: Type.Integer({ description: 'Seconds until the code expires.', examples: [120] }),
  payload: Type.String({
    description: "The exact text inside the code (Authing's JSON plus our `sig`), for clients that draw it.",
  }),
  checkCode: Nullable(Type.Integer({ minimum: 10, maximum: 99, description: 'The number the page shows.' }), {
    description: 'Ours: with a check code (pool option), the two-digit number to show; null otherwise.',
  }),
  rotatesIn: Nullable(Type.Integer({ minimum: 0 }), {
    description:
      'Ours: for a code asked for with `rotate`, seconds until its public id must be rotated; null when no rotation is due before it expires.',
  }),
};

/** `data` of `POST /api/v2/qrcode/gene`. */
export const GenerateResult = Type.Object(
  {
    ...codeProperties,
    binding: Type.Optional(
      Type.String({
        description:
          'Ours: the browser binding minted for this code alone (also set as its HttpOnly cookie, `scanlogin_binding_<random>`, `__Host-` prefixed over HTTPS), for clients that send it as `x-scanlogin-binding`; absent when the pool does not require a binding.',
      }),
    ),
  },
  { title: 'GenerateResult' },
);
export type GenerateResult = Static<typeof GenerateResult>;

/**
 * The text inside the QR code (`payload`): Authing's JSON, unchanged so that
 * existing apps can read our codes. One edition of that system writes
 * `expiresIn` (seconds) instead of `expireAt`; readers accept both.
 */
export const QrPayload = Type.Object(
  {
    scene: Type.Literal('APP_AUTH'),
    random: Type.String({ description: 'The public id the phone acts on.' }),
    userPoolId: Type.String(),
    createdAt: Type.String({ description: 'ISO 8601.' }),
    expireAt: Type.Optional(Type.String({ description: 'ISO 8601.' })),
    expiresIn: Type.Optional(Type.Number({ description: 'Seconds after `createdAt` (another edition).' })),
    customData: JsonObject('The custom data of `gene`.'),
    sig: Type.Optional(
      Type.String({
        description:
          "Ours, always the last member: a compact JWS (ES256, `typ: scanlogin-qr+jwt`, a key of the service's JWKS) over `{sub: random, aud: userPoolId, exp, dig}`, where `dig` is the SHA-256 (base64url) of the payload text before `sig` was appended, so every byte of every other field is covered. Apps that know it refuse codes without a valid one; older apps ignore it.",
      }),
    ),
  },
  { title: 'QrPayload' },
);
export type QrPayload = Static<typeof QrPayload>;

// --- rotate ------------------------------------------------------------------

export const RotateBody = Type.Object({ random: RandomField('The key of the code, from `gene`.') });
export type RotateBody = Static<typeof RotateBody>;

/** `data` of `POST /api/v2/qrcode/rotate`: the same code, with a new public id inside `payload`. */
export const RotateResult = Type.Object(codeProperties, { title: 'RotateResult' });
export type RotateResult = Static<typeof RotateResult>;

// --- check and events --------------------------------------------------------

const StepUpAware = Type.Optional(
  Type.Literal('1', {
    description:
      'Ours: the page understands status 4 (step-up) and keeps waiting through it; without it a code in step-up reads as status 1.',
  }),
);

export const CheckQuery = Type.Object({
  random: RandomField('The key of the code, from `gene`.'),
  wait: Type.Optional(
    Type.String({
      pattern: '^[0-9]{1,2}$',
      description:
        'Ours: long-poll, answering as soon as the code changes after `seq`, or after this many seconds (at most 30), or at expiry.',
      examples: ['25'],
    }),
  ),
  seq: Type.Optional(
    Type.String({
      pattern: '^[0-9]{1,9}$',
      description: 'The last `seq` the client saw (long-poll); defaults to the current one.',
    }),
  ),
  binding: Type.Optional(BindingQuery),
  [STEP_UP_AWARE_PARAM]: StepUpAware,
});
export type CheckQuery = Static<typeof CheckQuery>;

/**
 * `data` of `GET /api/v2/qrcode/check`, and the data of each `status` event
 * of `GET /api/v2/qrcode/events`.
 */
export const CheckResult = Type.Object(
  {
    random: Type.String({ examples: [RandomExample] }),
    status: QrStatusSchema,
    ticket: Nullable(Type.String(), {
      description:
        'At status 2, to the browser holding the binding, while redeemable: the one-time ticket for `userinfo`.',
    }),
    // The full user first: a serializer picks the first branch that matches, and a full user matches the preview too.
    userInfo: Type.Union([UserWithToken, QrUserPreview, Type.Null()], {
      description:
        "From status 1: the scanner's `nickname` and `photo`; at status 2, with the app's `returnFullUserInfo`, the full user with a website token. At status 2, for a code asked for `withCustomData`, `customData` too (only where `ticket` is shown). Null before a scan and at statuses 3, 5 and -1.",
    }),
    expiresIn: Type.Integer({ description: 'Seconds left before the code expires; 0 once decided.' }),
    seq: Type.Integer({
      minimum: 0,
      description: "Orders the code's changes: the SSE event id and the long-poll cursor.",
    }),
    scannedResult: Type.Optional(
      Type.Object(
        {
          code: Type.Integer({
            description: 'A registry code: why the phone must prove more, or what stopped the login.',
          }),
          message: Type.String(),
          errmsg: Type.Optional(
            Type.Object(
              { code: Type.Integer(), message: Type.String() },
              {
                description:
                  "At status 5: the same code and message, where authing-js-sdk reads them (`onError(scannedResult.errmsg)`; `startScanning`'s `onError` gets its `message`).",
              },
            ),
          ),
        },
        {
          description:
            'At status 4: why the phone must prove more (2250); authing-js-sdk hands it to `onMfa`. At status 5: what stopped the login (for example 2101, the application was deleted, or 2260, the scanner can no longer sign in).',
        },
      ),
    ),
  },
  {
    title: 'CheckResult',
    examples: [
      { random: RandomExample, status: 0, ticket: null, userInfo: null, expiresIn: 97, seq: 0 },
      {
        random: RandomExample,
        status: 1,
        ticket: null,
        userInfo: { nickname: 'Alice', photo: null },
        expiresIn: 80,
        seq: 1,
      },
    ],
  },
);
export type CheckResult = Static<typeof CheckResult>;

export const EventsQuery = Type.Object({
  random: RandomField('The key of the code, from `gene`.'),
  binding: Type.Optional(BindingQuery),
  [STEP_UP_AWARE_PARAM]: StepUpAware,
});
export type EventsQuery = Static<typeof EventsQuery>;

/**
 * `x-scanlogin-binding`: the browser binding secret, for clients that do not
 * rely on the cookie. Declared for the documentation; like every header it is
 * unconstrained (a malformed one is ignored, not refused).
 */
export const BindingHeaders = Type.Object({
  'x-scanlogin-binding': Type.Optional(
    Type.String({
      description:
        'The browser binding from `gene` (`binding`), for clients that do not rely on the per-code cookie that `gene` sets.',
    }),
  ),
});
export type BindingHeaders = Static<typeof BindingHeaders>;

export const EventsHeaders = Type.Object({
  'last-event-id': Type.Optional(
    Type.String({
      description:
        'Sent by EventSource on reconnection: the first event is skipped when it is still this `seq`.',
    }),
  ),
  ...BindingHeaders.properties,
});
export type EventsHeaders = Static<typeof EventsHeaders>;

/** The data of one `status` event of the SSE stream: the check answer at that moment. */
export const StatusEvent = Type.Object(CheckResult.properties, {
  title: 'StatusEvent',
  description: 'The `data:` line of each `event: status`, whose `id:` is `seq`.',
});
export type StatusEvent = Static<typeof StatusEvent>;

/** The SSE stream, for documentation: its frames as text. */
export const EventStream = Type.String({
  description:
    'Server-Sent Events. First `retry: 2000`, then `event: status` frames (`id:` the `seq`, `data:` a StatusEvent as JSON): the current state (skipped when `Last-Event-ID` is already that seq), then one per change; a `: ping` comment every 15 s; the stream ends after a final status (2, 3, 5, -1).',
  examples: [
    `retry: 2000\n\nid: 0\nevent: status\ndata: {"random":"${RandomExample}","status":0,"ticket":null,"userInfo":null,"expiresIn":118,"seq":0}\n\n`,
  ],
});

// --- image -------------------------------------------------------------------

export const ImageParams = Type.Object({
  file: Type.String({
    pattern: '^[A-Za-z0-9_-]{1,128}\\.(png|svg)$',
    description: "The code's key with `.png` or `.svg`.",
    examples: [`${RandomExample}.png`],
  }),
});
export type ImageParams = Static<typeof ImageParams>;

// Typed as bytes, so that a handler may return the PNG's Buffer; the document still says a binary string.
export const PngImage = Type.Unsafe<Uint8Array>(
  Type.String({ format: 'binary', description: 'The code as a 300 px PNG.' }),
);
export const SvgImage = Type.String({ description: 'The code as SVG.' });

// --- the app's calls -----------------------------------------------------------

const PhoneRandom = RandomField('The `random` read from the scanned code (its public id).');

export const ScannedBody = Type.Object({ random: PhoneRandom }, { examples: [{ random: RandomExample }] });
export type ScannedBody = Static<typeof ScannedBody>;

export const ConfirmBody = Type.Object(
  {
    random: PhoneRandom,
    checkCode: Type.Optional(
      Nullable(Type.Integer({ minimum: 0, maximum: 99 }), {
        description:
          'With a check code: the number the user picked (must be the one the page shows; a wrong pick cancels the login). Null is the same as absent.',
      }),
    ),
  },
  { examples: [{ random: RandomExample }, { random: RandomExample, checkCode: 42 }] },
);
export type ConfirmBody = Static<typeof ConfirmBody>;

export const CancelBody = ScannedBody;
export type CancelBody = Static<typeof CancelBody>;

export const StepUpBody = Type.Object({
  random: PhoneRandom,
  password: Type.String({
    minLength: 1,
    maxLength: 1024,
    description:
      "The user's password: plain over TLS, or RSA-encrypted (PKCS#1 v1.5, base64) with the pool's `publicKey`.",
  }),
});
export type StepUpBody = Static<typeof StepUpBody>;

/** `data` of the app's calls (scanned, confirm, cancel, step-up). */
export const AppActionResult = Type.Object(
  {
    random: Type.String({ description: 'The public id the call acted on.', examples: [RandomExample] }),
    status: QrStatusSchema,
    description: Type.String({ description: 'The status in words.', examples: ['Authorized'] }),
  },
  {
    title: 'AppActionResult',
    examples: [{ random: RandomExample, status: 1, description: 'Scanned; waiting for the user to decide' }],
  },
);
export type AppActionResult = Static<typeof AppActionResult>;

// --- what the phone is told about the request ---------------------------------

/** What the service observed of a browser's request (confirm screen, history, web sessions). */
export const requestDescriptionProperties = {
  origin: Nullable(Type.String(), {
    description: 'The web origin of the page, when the browser sent one.',
  }),
  ip: Nullable(Type.String(), { description: 'The address the service saw.' }),
  place: Nullable(Type.String(), {
    description: 'A coarse place of the IP (a country, "Local network", "This machine"); null when unknown.',
  }),
  browser: Nullable(Type.String(), { description: 'From the User-Agent: claimed, not verified.' }),
  os: Nullable(Type.String(), { description: 'From the User-Agent: claimed, not verified.' }),
};

export const ContextQuery = Type.Object({ random: PhoneRandom });
export type ContextQuery = Static<typeof ContextQuery>;

const Proximity = Type.Union(
  ['same-ip', 'same-network', 'local', 'same-country', 'mismatch', 'unknown'].map((v) =>
    Type.Literal(v as 'same-ip' | 'same-network' | 'local' | 'same-country' | 'mismatch' | 'unknown'),
  ),
  { description: 'How near the phone seems to the browser, from their addresses alone (a hint, not proof).' },
);

export const ProximityPolicy = Type.Union(
  [Type.Literal('allow'), Type.Literal('warn'), Type.Literal('step-up'), Type.Literal('deny')],
  {
    description:
      'What the pool does when phone and browser seem far apart: nothing, warn on the confirm screen, require the password (status 4), or refuse.',
  },
);
export type ProximityPolicy = Static<typeof ProximityPolicy>;

/**
 * The page's `context` as the phone is given it: its top-level members as
 * text, in order. Never trusted: the page wrote it, and anyone can write a page.
 */
export const PageContextView = Type.Object(
  {
    entries: Type.Array(
      Type.Object({
        key: Type.String({ maxLength: PAGE_CONTEXT_LIMITS.keyLength }),
        value: Type.String({
          maxLength: PAGE_CONTEXT_LIMITS.valueLength,
          description: 'A string as it is; anything else as JSON.',
        }),
      }),
      {
        maxItems: PAGE_CONTEXT_LIMITS.entries,
        description: `At most ${PAGE_CONTEXT_LIMITS.entries} members; keys cut to ${PAGE_CONTEXT_LIMITS.keyLength} characters and values to ${PAGE_CONTEXT_LIMITS.valueLength} (ending in "…" when cut). Control, invisible and direction-changing characters are written as \\u{…} escapes, so what is shown is what was sent.`,
      },
    ),
    omitted: Type.Integer({ minimum: 0, description: 'Members left out beyond the first ones.' }),
  },
  { title: 'PageContextView' },
);
export type PageContextView = Static<typeof PageContextView>;

/** `data` of `GET /api/v2/qrcode/context`: what the confirm screen shows. */
export const RequestContextView = Type.Object(
  {
    random: Type.String({ description: 'The public id of the code.' }),
    app: Type.Object({
      id: ObjectId('The application.'),
      name: Type.String(),
      logo: Nullable(Type.String()),
    }),
    origin: requestDescriptionProperties.origin,
    ip: Type.String({ description: 'The address the service saw; empty when unknown.' }),
    place: requestDescriptionProperties.place,
    browser: requestDescriptionProperties.browser,
    os: requestDescriptionProperties.os,
    reportedByBrowser: Type.Literal(true, {
      description: 'Browser and OS come from the User-Agent header: claimed, not verified.',
    }),
    createdAt: Timestamp('When the code was made.'),
    expiresAt: Timestamp('When the code expires.'),
    proximity: Type.Object({
      verdict: Proximity,
      phonePlace: Nullable(Type.String()),
      mismatch: Type.Boolean({ description: 'The verdict is `mismatch`: warn the user.' }),
      policy: ProximityPolicy,
    }),
    checkCodeChoices: Nullable(Type.Array(Type.Integer({ minimum: 10, maximum: 99 })), {
      description: 'With a check code: three numbers, one of them on the page; the user must pick it.',
    }),
    pageContext: Nullable(PageContextView, {
      description:
        "The `context` the page passed to `gene`, as text; null when it passed none. Written by the page, which anyone can make: show it apart from the fields above, as the page's claim.",
    }),
  },
  { title: 'RequestContextView' },
);
export type RequestContextView = Static<typeof RequestContextView>;

/** One of the user's recent QR logins (history), or of a pool's (admin audit). */
export const AuditEntry = Type.Object(
  {
    id: ObjectId('The audit line.'),
    at: Timestamp('When it happened.'),
    outcome: Type.Union([Type.Literal('approved'), Type.Literal('denied'), Type.Literal('redeemed')]),
    random: Type.String({ description: 'The public id of the code.' }),
    userId: ObjectId('The user who scanned.'),
    app: Type.Object({
      id: ObjectId('The application.'),
      name: Type.String({ description: '"Deleted application" once it is gone.' }),
    }),
    ...requestDescriptionProperties,
    deviceIp: Nullable(Type.String(), { description: "The phone's address at the decision." }),
  },
  { title: 'AuditEntry' },
);
export type AuditEntry = Static<typeof AuditEntry>;

export const QrHistory = Type.Array(AuditEntry, {
  description: 'Newest first, at most 20.',
});
export type QrHistory = Static<typeof QrHistory>;

// --- ticket exchange ----------------------------------------------------------

export const UserinfoBody = Type.Object(
  {
    ticket: Type.String({
      minLength: 1,
      maxLength: 256,
      description: 'The ticket from `check` at status 2.',
    }),
  },
  { examples: [{ ticket: 'Tq0m8n6b1d9f3h5j7l2p4r6t8v0x2z4B6D8F0H2J4L6' }] },
);
export type UserinfoBody = Static<typeof UserinfoBody>;
