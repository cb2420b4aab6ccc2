/**
 * The route table: every operation of the service's HTTP API, keyed by
 * operation id, with the schemas of its request and of each answer.
 *
 * Each entry's `schema` is in the form Fastify and @fastify/swagger read:
 * `querystring`, `params`, `headers`, `body` and `response` drive validation,
 * serialization and (with a TypeBox type provider) the handler's types;
 * `operationId`, `summary`, `description`, `tags` and `security` go into the
 * OpenAPI document. `response` holds the success answer and one error
 * envelope per HTTP status the operation can answer with, built from the
 * registry names in `errors` (plus the errors every operation can meet).
 *
 * Not here, on purpose: `GET /metrics`. It is served on its own listener
 * (METRICS_PORT), never on the API's port, and speaks Prometheus' text
 * format rather than this API's JSON; docs/deployment.md describes it.
 */
import { type TSchema, Type } from '@sinclair/typebox';
import { ErrorCodes, type ErrorName } from './errors.js';
import {
  App,
  AppList,
  AppWithSecret,
  AuditQuery,
  CreateAppBody,
  CreatePoolBody,
  CreateUserBody,
  IdParams,
  ListAppsQuery,
  ListUsersQuery,
  Pool,
  PoolList,
  RotateKeyResult,
  UpdateAppBody,
  UpdatePoolBody,
  UpdateUserBody,
} from './schemas/admin.js';
import { type ErrorEnvelopeSchema, envelopeOf, errorEnvelopeOf } from './schemas/common.js';
import {
  CodeResolution,
  DeviceApproveBody,
  DeviceDecision,
  DeviceDenyBody,
  ResolveCodeBody,
} from './schemas/device.js';
import {
  AppActionResult,
  AuditEntry,
  BindingHeaders,
  CancelBody,
  CheckQuery,
  CheckResult,
  ConfirmBody,
  ContextQuery,
  EventStream,
  EventsHeaders,
  EventsQuery,
  GenerateBody,
  GenerateResult,
  ImageParams,
  PngImage,
  QrHistory,
  RequestContextView,
  RotateBody,
  RotateResult,
  ScannedBody,
  StepUpBody,
  SvgImage,
  UserinfoBody,
} from './schemas/qrcode.js';
import { LoginAccountBody, PoolHeaders, TokenValidateBody, TokenValidateResult } from './schemas/tokens.js';
import { User, UserWithToken } from './schemas/users.js';
import { RevokeResult, WebSessionList, WebSessionParams } from './schemas/web-sessions.js';
import { Health, Jwks, OpenIdConfiguration, PoolPublicConfig } from './schemas/well-known.js';
import type { SecurityRequirement } from './security.js';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** The OpenAPI tags, in the order the document lists them. */
export const tags = [
  { name: 'qr-page', description: 'QR login, the waiting page: ask for a code, show it, learn the outcome.' },
  { name: 'qr-app', description: 'QR login, the phone app: log in, scan, see the request, decide.' },
  { name: 'web-sessions', description: "The websites signed in through the user's QR logins." },
  { name: 'backend', description: "The website's backend: redeem a ticket, check a token." },
  { name: 'discovery', description: 'Public keys and metadata.' },
  {
    name: 'operations',
    description:
      'Health checks for load balancers and orchestrators. (Prometheus metrics are served on a separate listener, not on this port: see METRICS_PORT.)',
  },
  { name: 'admin', description: 'The management API (admin token).' },
] as const;
export type TagName = (typeof tags)[number]['name'];

/** A non-JSON answer (an image, an event stream), in Fastify's per-media-type form. */
export interface MediaResponse {
  description: string;
  content: Record<string, { schema: TSchema }>;
}

/** One operation as written in this file (the table below). */
export interface RouteDefinition {
  method: HttpMethod;
  url: string;
  summary: string;
  description: string;
  tags: readonly TagName[];
  /** Alternatives (any one will do); empty: anybody may call. */
  security: readonly SecurityRequirement[];
  /** Part of the management API: the server registers it behind the admin-token check. */
  admin?: true;
  /** Readable cross-origin by anyone without credentials (`Access-Control-Allow-Origin: *`). */
  publicCors?: true;
  querystring?: TSchema;
  params?: TSchema;
  headers?: TSchema;
  body?: TSchema;
  /**
   * The body may be left out (the handler then sees `{}`). Fastify validates
   * an absent body against `body`, so the server sets it to `{}` before
   * validation; @fastify/swagger marks every body required, so
   * `openApiDocument`'s `transformObject` corrects the document.
   */
  bodyOptional?: true;
  /** The success answer: one status, an envelope (or a plain JSON document, or media). */
  success: { readonly 200: TSchema | MediaResponse } | { readonly 201: TSchema };
  /** Registry names this operation answers with, beyond those every operation can meet. */
  errors: readonly ErrorName[];
}

/**
 * Errors any operation can answer with: a malformed URL or invalid input
 * (400), a bug (500), a storage outage (503).
 */
export const COMMON_ERRORS = ['INVALID_REQUEST', 'INTERNAL', 'STORAGE_UNAVAILABLE'] as const;
/** Errors of a request body, for the methods whose bodies Fastify parses. */
export const BODY_ERRORS = ['INVALID_JSON', 'BODY_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE'] as const;
/** Errors of the phone app's user token (`requireAppUser`), rate limit per user included. */
export const APP_USER_ERRORS = ['LOGIN_REQUIRED', 'INVALID_TOKEN', 'USER_BLOCKED', 'RATE_LIMITED'] as const;
const ADMIN_ERRORS = ['ADMIN_AUTH_REQUIRED'] as const;

type AllErrors<D extends RouteDefinition> =
  | D['errors'][number]
  | (typeof COMMON_ERRORS)[number]
  | (D['method'] extends 'GET' ? never : (typeof BODY_ERRORS)[number]);
type StatusOf<N extends ErrorName> = (typeof ErrorCodes)[N]['status'];

/** A route's `response`: its success answer, and the error envelope of each status it can fail with. */
export type ResponseOf<D extends RouteDefinition> = D['success'] & {
  readonly [S in StatusOf<AllErrors<D>>]: ErrorEnvelopeSchema;
};

type InputParts<D extends RouteDefinition> = Pick<
  D,
  Extract<keyof D, 'querystring' | 'params' | 'headers' | 'body'>
>;

/** What Fastify (and @fastify/swagger) take as a route's `schema`. */
export type RouteSchema<Id extends string, D extends RouteDefinition> = InputParts<D> & {
  readonly operationId: Id;
  readonly summary: string;
  readonly description: string;
  readonly tags: D['tags'];
  readonly security: D['security'];
  readonly response: ResponseOf<D>;
};

/** One operation of the table, ready for `app.route({ method, url, schema, handler })`. */
export type Route<Id extends string, D extends RouteDefinition> = Omit<
  AnyRoute,
  'operationId' | 'method' | 'url' | 'tags' | 'security' | 'schema'
> & {
  readonly operationId: Id;
  readonly method: D['method'];
  readonly url: D['url'];
  readonly tags: D['tags'];
  readonly security: D['security'];
  readonly schema: RouteSchema<Id, D>;
};

/** Any operation of the table, for code that iterates over it (registration, completeness checks). */
export interface AnyRoute {
  readonly operationId: string;
  readonly method: HttpMethod;
  readonly url: string;
  readonly summary: string;
  readonly description: string;
  readonly tags: readonly TagName[];
  readonly security: readonly SecurityRequirement[];
  /** Part of the management API: register it behind the admin-token check. */
  readonly admin: boolean;
  /** Answer `Access-Control-Allow-Origin: *` (no credentials). */
  readonly publicCors: boolean;
  /** The body may be left out: treat an absent body as `{}` before validation. */
  readonly bodyOptional: boolean;
  /** Every registry name the operation can answer with (the common ones included). */
  readonly errors: readonly ErrorName[];
  readonly schema: {
    readonly operationId: string;
    readonly summary: string;
    readonly description: string;
    readonly tags: readonly TagName[];
    readonly security: readonly SecurityRequirement[];
    readonly querystring?: TSchema;
    readonly params?: TSchema;
    readonly headers?: TSchema;
    readonly body?: TSchema;
    readonly response: { readonly [status: number]: TSchema | MediaResponse };
  };
}

function build<Id extends string, D extends RouteDefinition>(operationId: Id, d: D): Route<Id, D> {
  const errors = [
    ...new Set<ErrorName>([...d.errors, ...COMMON_ERRORS, ...(d.method === 'GET' ? [] : BODY_ERRORS)]),
  ];
  const byStatus = new Map<number, ErrorName[]>();
  for (const name of errors) {
    const status = ErrorCodes[name].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), name]);
  }
  const response: Record<number, unknown> = { ...d.success };
  for (const [status, names] of [...byStatus].sort(([a], [b]) => a - b)) {
    response[status] = errorEnvelopeOf(names);
  }
  const input: Record<string, TSchema> = {};
  for (const part of ['querystring', 'params', 'headers', 'body'] as const) {
    const schema = d[part];
    if (schema) input[part] = schema;
  }
  const doc = {
    operationId,
    summary: d.summary,
    description: d.description,
    tags: d.tags,
    security: d.security,
  };
  return {
    ...doc,
    method: d.method,
    url: d.url,
    admin: d.admin === true,
    publicCors: d.publicCors === true,
    bodyOptional: d.bodyOptional === true,
    errors,
    schema: { ...doc, ...input, response } as unknown as RouteSchema<Id, D>,
  };
}

function defineRoutes<const T extends Record<string, RouteDefinition>>(
  defs: T,
): { readonly [K in keyof T & string]: Route<K, T[K]> } {
  const out: Record<string, AnyRoute> = {};
  for (const [id, d] of Object.entries(defs)) out[id] = build(id, d);
  return out as unknown as { readonly [K in keyof T & string]: Route<K, T[K]> };
}

const PAGE = ['qr-page'] as const;
const APP = ['qr-app'] as const;
const ADMIN = ['admin'] as const;
const APP_USER = [{ appToken: [] }, { appTokenBare: [] }] as const;
const ADMIN_TOKEN = [{ adminToken: [] }] as const;
const NONE = [] as const;

const AppActionDescription =
  "Called by the phone app of a signed-in user of the code's pool, with the id read from the code.";

export const routes = defineRoutes({
  // --- QR login: the page ----------------------------------------------------
  qrcodeGenerate: {
    method: 'POST',
    url: '/api/v2/qrcode/gene',
    summary: 'Ask for a QR code',
    description:
      'A fresh code for the application named in `x-authing-app-id`, asked from one of its allowed origins (a request without an Origin is a server call). Sets the browser binding cookie `scanlogin_binding` and returns the same secret as `binding`. A request without a body is a plain request for a code. Rate-limited per IP and per app.',
    tags: PAGE,
    security: [{ appId: [] }],
    headers: BindingHeaders,
    body: GenerateBody,
    bodyOptional: true,
    success: { 200: envelopeOf(GenerateResult, 'The code.') },
    errors: ['APP_ID_REQUIRED', 'APP_NOT_FOUND', 'POOL_NOT_FOUND', 'ORIGIN_NOT_ALLOWED', 'RATE_LIMITED'],
  },
  qrcodeRotate: {
    method: 'POST',
    url: '/api/v2/qrcode/rotate',
    summary: "Rotate a waiting code's public id",
    description:
      "For a code asked for with `rotate`: a new public id inside `payload`, on the schedule `gene` announced (`rotatesIn`). The old id stops working at once; `random`, status and binding stay. Only the browser holding the code's binding (cookie or `x-scanlogin-binding`) may rotate it.",
    tags: PAGE,
    security: NONE,
    headers: BindingHeaders,
    body: RotateBody,
    success: { 200: envelopeOf(RotateResult, 'The same code with a new public id.') },
    errors: ['QR_NOT_FOUND', 'BINDING_MISMATCH', 'QR_WRONG_STATE', 'QR_EXPIRED', 'RATE_LIMITED'],
  },
  qrcodeCheck: {
    method: 'GET',
    url: '/api/v2/qrcode/check',
    summary: 'Poll a code',
    description:
      'The status of a code, as the waiting page polls it (authing-js-sdk every 800 ms). The ticket (and a full user) only reaches the browser holding the binding; anyone else with the random sees the status. With `wait=N` it is a long-poll: the answer comes when the code changes after `seq`, after N seconds (at most 30), or at expiry. Polling one code too fast from one address answers 429 with Retry-After.',
    tags: PAGE,
    security: NONE,
    headers: BindingHeaders,
    querystring: CheckQuery,
    success: { 200: envelopeOf(CheckResult, "The code's state.") },
    errors: ['QR_NOT_FOUND', 'RATE_LIMITED'],
  },
  qrcodeEvents: {
    method: 'GET',
    url: '/api/v2/qrcode/events',
    summary: "Follow a code's status (Server-Sent Events)",
    description:
      "The code's status pushed as Server-Sent Events (`event: status`, `id:` the seq, `data:` a StatusEvent). The first event is the current state (skipped when `Last-Event-ID` says the client has it), then one per change, a `: ping` comment every 15 s, and the stream ends after a final status. The binding may ride in the query (EventSource cannot send headers). Errors before the stream starts are JSON envelopes.",
    tags: PAGE,
    security: NONE,
    headers: EventsHeaders,
    querystring: EventsQuery,
    success: {
      200: {
        description: 'The event stream.',
        content: { 'text/event-stream': { schema: EventStream } },
      },
    },
    errors: ['QR_NOT_FOUND', 'RATE_LIMITED'],
  },
  qrcodeImage: {
    method: 'GET',
    url: '/api/v2/qrcode/image/:file',
    summary: 'The code as an image',
    description:
      'The code as PNG or SVG, readable cross-origin (`Access-Control-Allow-Origin: *`): Authing\' SDK draws it onto a canvas through `<img crossOrigin="anonymous">`. Only a waiting code has an image: a scanned, decided or expired one answers 410.',
    tags: PAGE,
    security: NONE,
    publicCors: true,
    params: ImageParams,
    success: {
      200: {
        description: 'The image.',
        content: { 'image/png': { schema: PngImage }, 'image/svg+xml': { schema: SvgImage } },
      },
    },
    errors: ['QR_NOT_FOUND', 'QR_EXPIRED'],
  },

  // --- QR login: the phone ---------------------------------------------------
  loginAccount: {
    method: 'POST',
    url: '/api/v2/login/account',
    summary: 'Log in with a password (the app)',
    description:
      "The app's password login, for the pool of the app in `x-authing-app-id` (or the pool in `x-authing-userpool-id`). Answers the user with an app token (audience: the app, or the pool). Failures look alike; repeated failures per account and per address make further tries wait (429 with Retry-After).",
    tags: APP,
    security: [{ appId: [] }, {}],
    headers: PoolHeaders,
    body: LoginAccountBody,
    success: { 200: envelopeOf(UserWithToken, 'The user, with an app token.') },
    errors: [
      'APP_ID_REQUIRED',
      'APP_NOT_FOUND',
      'POOL_NOT_FOUND',
      'WRONG_CREDENTIALS',
      'TOO_MANY_LOGIN_ATTEMPTS',
      'USER_BLOCKED',
      'RATE_LIMITED',
    ],
  },
  poolPublicConfig: {
    method: 'GET',
    url: '/api/v2/.well-known',
    summary: "The pool's public configuration",
    description:
      "The pool of the app in `x-authing-app-id`, else of `x-authing-userpool-id`, else the service's default pool: its id, name and the RSA `publicKey` that encrypts passwords for login.",
    tags: APP,
    security: [{ appId: [] }, {}],
    headers: PoolHeaders,
    success: { 200: envelopeOf(PoolPublicConfig, 'The pool.') },
    errors: ['APP_ID_REQUIRED', 'APP_NOT_FOUND', 'POOL_NOT_FOUND'],
  },
  qrcodeScanned: {
    method: 'POST',
    url: '/api/v2/qrcode/scanned',
    summary: 'Mark a code scanned',
    description: `${AppActionDescription} 0 → 1, or 0 → 4 when the pool's proximity policy asks for a step-up, or refused (the page sees 3) under \`deny\`. Repeating it is harmless. A rotating code's stale id answers 410 (2254).`,
    tags: APP,
    security: APP_USER,
    body: ScannedBody,
    success: { 200: envelopeOf(AppActionResult, 'The new status.') },
    errors: [
      ...APP_USER_ERRORS,
      'QR_NOT_FOUND',
      'QR_OTHER_POOL',
      'QR_CODE_REPLACED',
      'PROXIMITY_DENIED',
      'QR_EXPIRED',
      'QR_SCANNED_BY_OTHER',
      'QR_WRONG_STATE',
    ],
  },
  qrcodeConfirm: {
    method: 'POST',
    url: '/api/v2/qrcode/confirm',
    summary: 'Approve the login',
    description: `${AppActionDescription} 1 → 2: a ticket is minted for the page. With a check code, \`checkCode\` must be the number the page shows; a wrong one cancels the login.`,
    tags: APP,
    security: APP_USER,
    body: ConfirmBody,
    success: { 200: envelopeOf(AppActionResult, 'Status 2.') },
    errors: [
      ...APP_USER_ERRORS,
      'QR_NOT_FOUND',
      'QR_OTHER_POOL',
      'CHECK_CODE_REQUIRED',
      'CHECK_CODE_WRONG',
      'STEP_UP_REQUIRED',
      'APP_NOT_FOUND',
      'QR_EXPIRED',
      'QR_SCANNED_BY_OTHER',
      'QR_WRONG_STATE',
    ],
  },
  qrcodeCancel: {
    method: 'POST',
    url: '/api/v2/qrcode/cancel',
    summary: 'Refuse the login',
    description: `${AppActionDescription} 1 → 3 or 4 → 3, by the user who scanned it.`,
    tags: APP,
    security: APP_USER,
    body: CancelBody,
    success: { 200: envelopeOf(AppActionResult, 'Status 3.') },
    errors: [
      ...APP_USER_ERRORS,
      'QR_NOT_FOUND',
      'QR_OTHER_POOL',
      'QR_EXPIRED',
      'QR_SCANNED_BY_OTHER',
      'QR_WRONG_STATE',
    ],
  },
  qrcodeStepUp: {
    method: 'POST',
    url: '/api/v2/qrcode/step-up',
    summary: 'Prove more after a far-away scan',
    description: `${AppActionDescription} After a scan from far away under the pool's \`step-up\` policy (status 4), the scanner re-enters their password to continue: 4 → 1. Failures are throttled like login.`,
    tags: APP,
    security: APP_USER,
    body: StepUpBody,
    success: { 200: envelopeOf(AppActionResult, 'Status 1.') },
    errors: [
      ...APP_USER_ERRORS,
      'QR_NOT_FOUND',
      'QR_OTHER_POOL',
      'STEP_UP_FAILED',
      'TOO_MANY_LOGIN_ATTEMPTS',
      'QR_EXPIRED',
      'QR_SCANNED_BY_OTHER',
      'QR_WRONG_STATE',
    ],
  },
  qrcodeContext: {
    method: 'GET',
    url: '/api/v2/qrcode/context',
    summary: 'What the service saw of the requesting browser',
    description:
      "For the confirm screen, readable only by the user who scanned the code: the app, the page's origin, its address and place, the browser and OS it claims, when, how near the phone seems, and the check-code choices.",
    tags: APP,
    security: APP_USER,
    querystring: ContextQuery,
    success: { 200: envelopeOf(RequestContextView, 'The request as observed.') },
    errors: [...APP_USER_ERRORS, 'QR_NOT_FOUND', 'QR_OTHER_POOL', 'QR_WRONG_STATE', 'QR_SCANNED_BY_OTHER'],
  },
  codesResolve: {
    method: 'POST',
    url: '/api/v2/codes/resolve',
    summary: 'What a typed code stands for',
    description:
      "The phone's \"Enter a code\": an OAuth device's user code (RFC 8628) answers the device's request as its confirm screen shows it; the short code under a hosted sign-in page's QR code answers that code's text, to go on with as if scanned. Wrong codes are throttled per user (10) and per address (50) in 15 minutes; past that every try waits (2003 with Retry-After), the right code included.",
    tags: APP,
    security: APP_USER,
    body: ResolveCodeBody,
    success: { 200: envelopeOf(CodeResolution, "A device's request, or a sign-in page's code.") },
    errors: [
      ...APP_USER_ERRORS,
      'USER_CODE_NOT_FOUND',
      'USER_CODE_EXPIRED',
      'DEVICE_REQUEST_CLOSED',
      'QR_NOT_FOUND',
      'QR_OTHER_POOL',
      'APP_NOT_FOUND',
      'POOL_NOT_FOUND',
      'TOO_MANY_LOGIN_ATTEMPTS',
    ],
  },
  deviceApprove: {
    method: 'POST',
    url: '/api/v2/device/approve',
    summary: "Approve a device's sign-in",
    description:
      "Signs the device in as the user (its next poll gets the tokens). The pool's proximity policy applies: `deny` refuses and ends the request (2251), `step-up` needs `password` when the device seems far away (2250, 2252).",
    tags: APP,
    security: APP_USER,
    body: DeviceApproveBody,
    success: { 200: envelopeOf(DeviceDecision, 'Approved.') },
    errors: [
      ...APP_USER_ERRORS,
      'USER_CODE_NOT_FOUND',
      'USER_CODE_EXPIRED',
      'DEVICE_REQUEST_CLOSED',
      'QR_OTHER_POOL',
      'APP_NOT_FOUND',
      'POOL_NOT_FOUND',
      'PROXIMITY_DENIED',
      'STEP_UP_REQUIRED',
      'STEP_UP_FAILED',
      'TOO_MANY_LOGIN_ATTEMPTS',
    ],
  },
  deviceDeny: {
    method: 'POST',
    url: '/api/v2/device/deny',
    summary: "Deny a device's sign-in",
    description: "Refuses the device's request: its next poll gets `access_denied`.",
    tags: APP,
    security: APP_USER,
    body: DeviceDenyBody,
    success: { 200: envelopeOf(DeviceDecision, 'Denied.') },
    errors: [
      ...APP_USER_ERRORS,
      'USER_CODE_NOT_FOUND',
      'USER_CODE_EXPIRED',
      'DEVICE_REQUEST_CLOSED',
      'QR_OTHER_POOL',
      'APP_NOT_FOUND',
      'POOL_NOT_FOUND',
    ],
  },
  qrcodeHistory: {
    method: 'GET',
    url: '/api/v2/qrcode/history',
    summary: "The user's recent QR logins",
    description:
      "The signed-in user's last 20 QR logins (approved, denied, redeemed), newest first, with where each request came from.",
    tags: APP,
    security: APP_USER,
    success: { 200: envelopeOf(QrHistory, 'The history.') },
    errors: APP_USER_ERRORS,
  },

  // --- web sessions ----------------------------------------------------------
  webSessionsList: {
    method: 'GET',
    url: '/api/v2/qrcode/web-sessions',
    summary: 'List the websites the user is signed in to',
    description: "The live web sessions born of the user's QR logins: site, place, browser, since when.",
    tags: ['web-sessions'],
    security: APP_USER,
    success: { 200: envelopeOf(WebSessionList, 'The sessions.') },
    errors: APP_USER_ERRORS,
  },
  webSessionRevoke: {
    method: 'DELETE',
    url: '/api/v2/qrcode/web-sessions/:id',
    summary: 'Sign one website out',
    description:
      "Revokes one of the user's web sessions: its tokens fail validation on the next check, on every instance.",
    tags: ['web-sessions'],
    security: APP_USER,
    params: WebSessionParams,
    success: { 200: envelopeOf(RevokeResult, '`revoked` is 1.') },
    errors: [...APP_USER_ERRORS, 'WEB_SESSION_NOT_FOUND'],
  },
  webSessionsRevokeAll: {
    method: 'DELETE',
    url: '/api/v2/qrcode/web-sessions',
    summary: 'Sign every website out',
    description: "Revokes all of the user's web sessions.",
    tags: ['web-sessions'],
    security: APP_USER,
    success: { 200: envelopeOf(RevokeResult, 'How many were revoked.') },
    errors: APP_USER_ERRORS,
  },

  // --- the website's backend ---------------------------------------------------
  qrcodeUserinfo: {
    method: 'POST',
    url: '/api/v2/qrcode/userinfo',
    summary: 'Redeem a ticket',
    description:
      "Exchanges a ticket (once) for the user and a token of the website's own web session. A backend proves the app with HTTP Basic `appId:appSecret`; a browser may redeem with `x-authing-app-id` alone only when the app allows `allowExchangeUserInfoFromBrowser`, from an allowed origin, holding the code's binding.",
    tags: ['backend'],
    security: [{ appBasic: [] }, { appId: [] }],
    headers: BindingHeaders,
    body: UserinfoBody,
    success: { 200: envelopeOf(UserWithToken, 'The user, with a website token.') },
    errors: [
      'INVALID_APP_CREDENTIALS',
      'APP_ID_REQUIRED',
      'APP_NOT_FOUND',
      'BROWSER_EXCHANGE_DISABLED',
      'ORIGIN_NOT_ALLOWED',
      'TICKET_INVALID',
      'TICKET_OTHER_APP',
      'BINDING_MISMATCH',
      'USER_BLOCKED',
    ],
  },
  tokenValidate: {
    method: 'POST',
    url: '/api/v2/token/validate',
    summary: 'Is this token good now?',
    description:
      "In the spirit of RFC 7662: a bad, expired or revoked token (or one of a blocked user) is `{active: false}`, not an error. A website's token is active only while its web session is.",
    tags: ['backend'],
    security: NONE,
    body: TokenValidateBody,
    success: { 200: envelopeOf(TokenValidateResult, 'The verdict, with the claims when active.') },
    errors: [],
  },

  // --- discovery and operations ------------------------------------------------
  openApiDocument: {
    method: 'GET',
    url: '/openapi.json',
    summary: 'This API, described',
    description:
      'The OpenAPI 3.1 document of this API, generated from the same route table that validates every request and serializes every answer; rendered for people at `/docs`.',
    tags: ['discovery'],
    security: NONE,
    publicCors: true,
    success: {
      200: Type.Record(Type.String(), Type.Unknown(), {
        title: 'OpenAPI',
        description: 'An OpenAPI 3.1 document.',
      }),
    },
    errors: [],
  },
  jwks: {
    method: 'GET',
    url: '/.well-known/jwks.json',
    summary: 'The signing keys',
    description:
      'The public keys of the service (tokens and QR signatures), as a plain JWK Set without envelope; cacheable for a minute, readable cross-origin.',
    tags: ['discovery'],
    security: NONE,
    publicCors: true,
    success: { 200: Jwks },
    errors: [],
  },
  openidConfiguration: {
    method: 'GET',
    url: '/.well-known/openid-configuration',
    summary: 'OpenID Connect discovery',
    description:
      "The OpenID provider's discovery document (node-oidc-provider's, no envelope): the issuer, the authorization, token, userinfo, device authorization, end-session, revocation and introspection endpoints (all under `/oidc/`, the provider's own, described by this document rather than by this table), PKCE S256, ES256, and the JWKS. Readable cross-origin (the origin is echoed, without credentials). RFC 8414's `/.well-known/oauth-authorization-server` serves the same.",
    tags: ['discovery'],
    security: NONE,
    publicCors: true,
    success: { 200: OpenIdConfiguration },
    errors: [],
  },
  oauthAuthorizationServer: {
    method: 'GET',
    url: '/.well-known/oauth-authorization-server',
    summary: 'OAuth authorization server metadata',
    description: 'RFC 8414: the same document as `/.well-known/openid-configuration`.',
    tags: ['discovery'],
    security: NONE,
    publicCors: true,
    success: { 200: OpenIdConfiguration },
    errors: [],
  },

  health: {
    method: 'GET',
    url: '/health',
    summary: 'Health (ready)',
    description:
      'The readiness check under its first name, for load balancers: the same answers as `/health/ready`.',
    tags: ['operations'],
    security: NONE,
    success: { 200: envelopeOf(Health, 'Ready to serve.') },
    errors: ['NOT_READY'],
  },
  healthLive: {
    method: 'GET',
    url: '/health/live',
    summary: 'Liveness',
    description:
      'For a liveness probe: 200 while the process answers HTTP. It asks no backend, so a database outage does not get instances restarted; readiness says whether to send traffic.',
    tags: ['operations'],
    security: NONE,
    success: { 200: envelopeOf(Health, 'The process answers.') },
    errors: [],
  },
  healthReady: {
    method: 'GET',
    url: '/health/ready',
    summary: 'Readiness',
    description:
      'For a readiness probe or a load balancer: 200 once the start is complete, a signing key is loaded and the storage answers (SQLite, or PostgreSQL and Redis); 503 otherwise, with 5031 (starting, no key) or 5030 (storage) and `Retry-After`.',
    tags: ['operations'],
    security: NONE,
    success: { 200: envelopeOf(Health, 'Ready to serve.') },
    errors: ['NOT_READY'],
  },

  // --- admin -------------------------------------------------------------------
  adminListPools: {
    method: 'GET',
    url: '/api/admin/pools',
    summary: 'List user pools',
    description: 'Every user pool with its security settings.',
    tags: ADMIN,
    security: ADMIN_TOKEN,
    admin: true,
    success: { 200: envelopeOf(PoolList, 'The pools.') },
    errors: ADMIN_ERRORS,
  },
  adminCreatePool: {
    method: 'POST',
    url: '/api/admin/pools',
    summary: 'Create a user pool',
    description:
      'A new pool (with its own RSA key for password encryption); unset settings take their defaults.',
    tags: ADMIN,
    security: ADMIN_TOKEN,
    admin: true,
    body: CreatePoolBody,
    success: { 201: envelopeOf(Pool, 'The pool.') },
    errors: ADMIN_ERRORS,
  },
  adminUpdatePool: {
    method: 'PATCH',
    url: '/api/admin/pools/:id',
    summary: 'Change a user pool',
    description: 'Changes the fields given; the others stay.',
    tags: ADMIN,
    security: ADMIN_TOKEN,
    admin: true,
    params: IdParams,
    body: UpdatePoolBody,
    success: { 200: envelopeOf(Pool, 'The pool.') },
    errors: [...ADMIN_ERRORS, 'NOT_FOUND'],
  },
  adminListApps: {
    method: 'GET',
    url: '/api/admin/apps',
    summary: 'List applications',
    description: 'Every application, or those of one pool. Secrets are never listed.',
    tags: ADMIN,
    security: ADMIN_TOKEN,
    admin: true,
    querystring: ListAppsQuery,
    success: { 200: envelopeOf(AppList, 'The applications.') },
    errors: ADMIN_ERRORS,
  },
  adminCreateApp: {
    method: 'POST',
    url: '/api/admin/apps',
    summary: 'Create an application',
    description: 'A new application of a pool; its secret is in this answer and never again.',
    tags: ADMIN,
    security: ADMIN_TOKEN,
    admin: true,
    body: CreateAppBody,
    success: { 201: envelopeOf(AppWithSecret, 'The application with its secret.') },
    errors: [...ADMIN_ERRORS, 'POOL_NOT_FOUND'],
  },
  adminUpdateApp: {
    method: 'PATCH',
    url: '/api/admin/apps/:id',
    summary: 'Change an application',
    description: 'Changes the fields given; the others stay.',
    tags: ADMIN,
    security: ADMIN_TOKEN,
    admin: true,
    params: IdParams,
    body: UpdateAppBody,
    success: { 200: envelopeOf(App, 'The application.') },
    errors: [...ADMIN_ERRORS, 'NOT_FOUND'],
  },
  adminRotateAppSecret: {
    method: 'POST',
    url: '/api/admin/apps/:id/rotate-secret',
    summary: "Replace an application's secret",
    description: 'The old secret stops working; the new one is in this answer and never again.',
    tags: ADMIN,
    security: ADMIN_TOKEN,
    admin: true,
    params: IdParams,
    success: { 200: envelopeOf(AppWithSecret, 'The application with its new secret.') },
    errors: [...ADMIN_ERRORS, 'NOT_FOUND'],
  },
  adminDeleteApp: {
    method: 'DELETE',
    url: '/api/admin/apps/:id',
    summary: 'Delete an application',
    description: 'Deletes the application; `data` is null.',
    tags: ADMIN,
    security: ADMIN_TOKEN,
    admin: true,
    params: IdParams,
    success: { 200: envelopeOf(Type.Null(), 'Deleted.') },
    errors: [...ADMIN_ERRORS, 'NOT_FOUND'],
  },
  adminListUsers: {
    method: 'GET',
    url: '/api/admin/users',
    summary: "List a pool's users",
    description: 'The users of one pool, paged with `limit` and `offset`.',
    tags: ADMIN,
    security: ADMIN_TOKEN,
    admin: true,
    querystring: ListUsersQuery,
    success: { 200: envelopeOf(Type.Array(User), 'The users.') },
    errors: ADMIN_ERRORS,
  },
  adminCreateUser: {
    method: 'POST',
    url: '/api/admin/users',
    summary: 'Create a user',
    description: 'A user of a pool; needs a username, an email or a phone, unique in the pool.',
    tags: ADMIN,
    security: ADMIN_TOKEN,
    admin: true,
    body: CreateUserBody,
    success: { 201: envelopeOf(User, 'The user.') },
    errors: [...ADMIN_ERRORS, 'POOL_NOT_FOUND', 'CONFLICT'],
  },
  adminGetUser: {
    method: 'GET',
    url: '/api/admin/users/:id',
    summary: 'Read a user',
    description: 'One user.',
    tags: ADMIN,
    security: ADMIN_TOKEN,
    admin: true,
    params: IdParams,
    success: { 200: envelopeOf(User, 'The user.') },
    errors: [...ADMIN_ERRORS, 'NOT_FOUND'],
  },
  adminUpdateUser: {
    method: 'PATCH',
    url: '/api/admin/users/:id',
    summary: 'Change a user',
    description: 'Changes the fields given; the others stay. `password: null` removes the password.',
    tags: ADMIN,
    security: ADMIN_TOKEN,
    admin: true,
    params: IdParams,
    body: UpdateUserBody,
    success: { 200: envelopeOf(User, 'The user.') },
    errors: [...ADMIN_ERRORS, 'NOT_FOUND', 'CONFLICT'],
  },
  adminDeleteUser: {
    method: 'DELETE',
    url: '/api/admin/users/:id',
    summary: 'Delete a user',
    description: 'Deletes the user; `data` is null.',
    tags: ADMIN,
    security: ADMIN_TOKEN,
    admin: true,
    params: IdParams,
    success: { 200: envelopeOf(Type.Null(), 'Deleted.') },
    errors: [...ADMIN_ERRORS, 'NOT_FOUND'],
  },
  adminListUserWebSessions: {
    method: 'GET',
    url: '/api/admin/users/:id/web-sessions',
    summary: "List a user's web sessions",
    description: 'Where the user is signed in through QR logins (remediation).',
    tags: ADMIN,
    security: ADMIN_TOKEN,
    admin: true,
    params: IdParams,
    success: { 200: envelopeOf(WebSessionList, 'The sessions.') },
    errors: [...ADMIN_ERRORS, 'NOT_FOUND'],
  },
  adminRevokeUserWebSessions: {
    method: 'DELETE',
    url: '/api/admin/users/:id/web-sessions',
    summary: 'Sign a user out of every website',
    description: "Revokes all of the user's web sessions.",
    tags: ADMIN,
    security: ADMIN_TOKEN,
    admin: true,
    params: IdParams,
    success: { 200: envelopeOf(RevokeResult, 'How many were revoked.') },
    errors: [...ADMIN_ERRORS, 'NOT_FOUND'],
  },
  adminRotateKey: {
    method: 'POST',
    url: '/api/admin/keys/rotate',
    summary: 'Rotate the signing key',
    description:
      'A fresh key is published at once and signs after a short delay; tokens signed by the old one keep verifying until they expire.',
    tags: ADMIN,
    security: ADMIN_TOKEN,
    admin: true,
    success: { 200: envelopeOf(RotateKeyResult, 'The new key id.') },
    errors: ADMIN_ERRORS,
  },
  adminAudit: {
    method: 'GET',
    url: '/api/admin/audit',
    summary: "A pool's QR login audit log",
    description: 'Approvals, refusals and redemptions, newest first; page with `before`.',
    tags: ADMIN,
    security: ADMIN_TOKEN,
    admin: true,
    querystring: AuditQuery,
    success: { 200: envelopeOf(Type.Array(AuditEntry), 'The audit lines.') },
    errors: ADMIN_ERRORS,
  },
});

export type Routes = typeof routes;
export type OperationId = keyof Routes;
