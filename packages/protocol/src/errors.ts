/**
 * The one registry of error codes. Codes are stable: a client may switch on
 * them, so a code is never reused for a different meaning. 2241 comes from
 * authing-js-sdk's documentation ("the QR code does not exist"); the rest are ours.
 *
 * `message` is the English text; every other language's text is in
 * error-messages.ts (a name missing there is a type error). The envelope's
 * message is the one in the request's language; `code` never changes. The docs
 * table (docs/errors.md) is generated from both.
 */
export const ErrorCodes = {
  // Requests that cannot be understood.
  INVALID_JSON: { code: 1000, status: 400, message: 'The request body is not valid JSON.' },
  INVALID_REQUEST: { code: 1001, status: 400, message: 'The request is invalid.' },
  BODY_TOO_LARGE: { code: 1002, status: 413, message: 'The request body is too large.' },
  UNSUPPORTED_MEDIA_TYPE: {
    code: 1003,
    status: 415,
    message: 'The request body must be JSON (Content-Type: application/json).',
  },
  ROUTE_NOT_FOUND: { code: 1004, status: 404, message: 'There is no such endpoint.' },
  RATE_LIMITED: { code: 1005, status: 429, message: 'Too many requests; slow down and retry later.' },
  HEADERS_TOO_LARGE: {
    code: 1006,
    status: 431,
    message: 'The request line or headers are too large (a URL of more than about 16 KB?).',
  },
  UNSUPPORTED_OPERATION: {
    code: 1007,
    status: 400,
    message: 'This GraphQL endpoint only answers the login operations that authing-js-sdk sends.',
  },

  // Who is calling.
  LOGIN_REQUIRED: {
    code: 2000,
    status: 401,
    message: 'A signed-in user is required (Authorization header).',
  },
  INVALID_TOKEN: { code: 2001, status: 401, message: 'The token is invalid or has expired.' },
  WRONG_CREDENTIALS: { code: 2002, status: 401, message: 'The account or password is wrong.' },
  TOO_MANY_LOGIN_ATTEMPTS: {
    code: 2003,
    status: 429,
    message: 'Too many failed attempts; wait before trying again.',
  },
  USER_BLOCKED: { code: 2004, status: 403, message: 'This account is blocked.' },
  APP_ID_REQUIRED: {
    code: 2100,
    status: 400,
    message: 'Name the application with the x-authing-app-id header.',
  },
  APP_NOT_FOUND: { code: 2101, status: 404, message: 'The application does not exist.' },
  POOL_NOT_FOUND: { code: 2102, status: 404, message: 'The user pool does not exist.' },
  INVALID_APP_CREDENTIALS: {
    code: 2103,
    status: 401,
    message: 'The application credentials are wrong (HTTP Basic appId:appSecret).',
  },
  ORIGIN_NOT_ALLOWED: {
    code: 2104,
    status: 403,
    message: 'This web origin is not allowed for the application.',
  },
  BROWSER_EXCHANGE_DISABLED: {
    code: 2105,
    status: 401,
    message:
      'This application redeems tickets on its server: send the app secret (allowExchangeUserInfoFromBrowser is off).',
  },

  // QR login.
  QR_NOT_FOUND: { code: 2241, status: 404, message: 'The QR code does not exist.' },
  QR_EXPIRED: { code: 2242, status: 410, message: 'The QR code has expired.' },
  QR_WRONG_STATE: {
    code: 2243,
    status: 409,
    message: 'The QR code is not in a state that allows this action.',
  },
  QR_SCANNED_BY_OTHER: {
    code: 2244,
    status: 403,
    message: 'Another user has scanned this QR code; only that user can decide.',
  },
  QR_OTHER_POOL: { code: 2245, status: 403, message: 'This QR code belongs to another user pool.' },
  TICKET_INVALID: {
    code: 2246,
    status: 400,
    message: 'The ticket is invalid, already used, or expired.',
  },
  TICKET_OTHER_APP: { code: 2247, status: 403, message: 'The ticket was issued to another application.' },
  CHECK_CODE_REQUIRED: {
    code: 2248,
    status: 400,
    message: 'Pick the number shown on the login page (checkCode) to approve.',
  },
  CHECK_CODE_WRONG: {
    code: 2249,
    status: 403,
    message: 'That is not the number shown on the login page; the login was refused.',
  },
  STEP_UP_REQUIRED: {
    code: 2250,
    status: 403,
    message: 'This login comes from far away: confirm your password on the phone to continue.',
  },
  PROXIMITY_DENIED: {
    code: 2251,
    status: 403,
    message: 'This login was refused: the page that asked is far from your phone.',
  },
  STEP_UP_FAILED: { code: 2252, status: 401, message: 'The password is wrong; the login was not continued.' },
  BINDING_MISMATCH: {
    code: 2253,
    status: 403,
    message: 'Only the browser that asked for this QR code can redeem its ticket.',
  },
  QR_CODE_REPLACED: {
    code: 2254,
    status: 410,
    message: 'This QR code has been replaced by a newer one; scan the code on the page again.',
  },
  WEB_SESSION_NOT_FOUND: {
    code: 2255,
    status: 404,
    message: 'There is no such active web session.',
  },
  QR_SCANNER_UNAVAILABLE: {
    code: 2260,
    status: 403,
    message: 'The account that scanned this QR code can no longer sign in; the login was stopped.',
  },

  // OpenID Connect sign-in and the device grant (RFC 8628).
  USER_CODE_NOT_FOUND: {
    code: 2256,
    status: 404,
    message: 'No sign-in request has this code; check the code shown on the device or the sign-in page.',
  },
  USER_CODE_EXPIRED: {
    code: 2257,
    status: 410,
    message: 'This code has expired; start the sign-in again on the device.',
  },
  DEVICE_REQUEST_CLOSED: {
    code: 2258,
    status: 409,
    message: 'This sign-in request was already approved or denied.',
  },
  SIGN_IN_EXPIRED: {
    code: 2259,
    status: 410,
    message: 'This sign-in page has expired; go back to the website and sign in again.',
  },

  // The phone's own sessions.
  APP_SESSION_NOT_FOUND: {
    code: 2261,
    status: 404,
    message: 'There is no such active app session.',
  },
  APPROVAL_WITHDRAWN: {
    code: 2262,
    status: 403,
    message: 'The phone that approved this login has signed out since; start the login again.',
  },

  // Management.
  ADMIN_AUTH_REQUIRED: {
    code: 3000,
    status: 401,
    message: 'The admin credential is required (Authorization: Bearer <admin token>).',
  },
  NOT_FOUND: { code: 3001, status: 404, message: 'The requested object does not exist.' },
  CONFLICT: { code: 3002, status: 409, message: 'An object with these unique fields exists already.' },

  // The service itself.
  INTERNAL: { code: 5000, status: 500, message: 'Internal error; the request id is in the logs.' },
  STORAGE_UNAVAILABLE: {
    code: 5030,
    status: 503,
    message: 'A storage backend is unavailable; retry shortly.',
  },
  NOT_READY: {
    code: 5031,
    status: 503,
    message: 'The service is not ready to serve yet (starting, or no signing key loaded); retry shortly.',
  },
} as const satisfies Record<string, { code: number; status: number; message: string }>;

export type ErrorName = keyof typeof ErrorCodes;
export type ErrorCode = (typeof ErrorCodes)[ErrorName]['code'];

const byCode = new Map<number, ErrorName>(
  Object.entries(ErrorCodes).map(([name, e]) => [e.code, name as ErrorName]),
);

/** The registry name of a numeric code, for clients that want to switch on names. */
export function errorNameOf(code: number): ErrorName | undefined {
  return byCode.get(code);
}
