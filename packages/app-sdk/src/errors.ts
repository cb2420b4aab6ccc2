import { ErrorCodes, type ErrorName, errorNameOf } from '@scanlogin/protocol';
import { QrPayloadError } from './payload.js';

/**
 * Codes of failures that happen on the phone, before or instead of an answer
 * from the service. They are negative so they can never collide with the
 * service's registry (`ErrorCodes` in `@scanlogin/protocol`, all positive).
 */
export const ClientErrorCodes = {
  /** No answer: offline, DNS failure, connection refused or reset, TLS failure, CORS refusal. */
  NETWORK_ERROR: -1,
  /** No answer within `timeoutMs`. */
  TIMEOUT: -2,
  /** The caller aborted the request through its `signal`. */
  ABORTED: -3,
  /** An answer that is not the service's JSON envelope (a proxy's error page, a wrong host). */
  BAD_RESPONSE: -4,
} as const;

export type ClientErrorName = keyof typeof ClientErrorCodes;

/** Every name `ScanloginError#errorName` can take. */
export type ScanloginErrorName = ErrorName | ClientErrorName;

/**
 * Where a failure happened:
 * - `server`: the service answered with an error envelope; `code` is from its registry.
 * - `network`, `timeout`, `aborted`, `bad-response`: see {@link ClientErrorCodes}.
 */
export type ScanloginErrorKind = 'server' | 'network' | 'timeout' | 'aborted' | 'bad-response';

const clientKinds: Record<Exclude<ScanloginErrorKind, 'server'>, ClientErrorName> = {
  network: 'NETWORK_ERROR',
  timeout: 'TIMEOUT',
  aborted: 'ABORTED',
  'bad-response': 'BAD_RESPONSE',
};

/** What the SDK throws for every failed call. */
export class ScanloginError extends Error {
  override readonly name = 'ScanloginError';
  readonly kind: ScanloginErrorKind;
  /**
   * The service's stable numeric code (for example 2241 "the QR code does not
   * exist"), or a negative {@link ClientErrorCodes} value when no envelope came back.
   */
  readonly code: number;
  /**
   * The registry name of `code` (`'QR_EXPIRED'`, `'NETWORK_ERROR'`...), or
   * `undefined` for a code this SDK does not know (a newer service).
   */
  readonly errorName: ScanloginErrorName | undefined;
  /** The HTTP status, or `null` when there was no HTTP answer. */
  readonly status: number | null;
  /** The envelope's `data` (usually `null`). */
  readonly data: unknown;
  /** The service's `x-request-id`, to quote when reporting a problem. */
  readonly requestId: string | null;
  /** Seconds to wait before retrying, from `Retry-After` (rate limits, login throttling). */
  readonly retryAfterSeconds: number | null;

  constructor(init: {
    kind: ScanloginErrorKind;
    code: number;
    message: string;
    status?: number | null;
    data?: unknown;
    requestId?: string | null;
    retryAfterSeconds?: number | null;
    cause?: unknown;
  }) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.kind = init.kind;
    this.code = init.code;
    this.errorName = init.kind === 'server' ? errorNameOf(init.code) : clientKinds[init.kind];
    this.status = init.status ?? null;
    this.data = init.data ?? null;
    this.requestId = init.requestId ?? null;
    this.retryAfterSeconds = init.retryAfterSeconds ?? null;
  }

  /** A failure without an answer from the service (`kind` other than `server`). */
  static client(
    kind: Exclude<ScanloginErrorKind, 'server'>,
    message: string,
    extra: { status?: number | null; requestId?: string | null; cause?: unknown } = {},
  ): ScanloginError {
    return new ScanloginError({ kind, code: ClientErrorCodes[clientKinds[kind]], message, ...extra });
  }
}

/**
 * True for a `ScanloginError`, also one made by another copy of this SDK
 * (bundlers sometimes include two), where `instanceof` fails.
 */
export function isScanloginError(err: unknown): err is ScanloginError {
  if (err instanceof ScanloginError) return true;
  const e = err as { name?: unknown; code?: unknown; kind?: unknown } | null;
  return (
    typeof e === 'object' &&
    e !== null &&
    e.name === 'ScanloginError' &&
    typeof e.code === 'number' &&
    typeof e.kind === 'string'
  );
}

/** True when `err` is a `ScanloginError` with this registry name. */
export function hasErrorName(err: unknown, name: ScanloginErrorName): boolean {
  return isScanloginError(err) && err.errorName === name;
}

/** The service could not be reached or did not answer in time: show "network lost", offer a retry. */
export function isNetworkError(err: unknown): boolean {
  return isScanloginError(err) && (err.kind === 'network' || err.kind === 'timeout');
}

/**
 * The login code has expired: the service said so (`QR_EXPIRED`, 2242), or
 * `parseQrPayload` found it past its expiry. Ask the user to refresh the page.
 */
export function isExpired(err: unknown): boolean {
  if (err instanceof QrPayloadError) return err.reason === 'expired';
  return isScanloginError(err) && err.code === ErrorCodes.QR_EXPIRED.code;
}

/** The phone's sign-in is missing or no longer valid: send the user to the login screen. */
export function isAuthError(err: unknown): boolean {
  return (
    isScanloginError(err) &&
    (err.code === ErrorCodes.LOGIN_REQUIRED.code || err.code === ErrorCodes.INVALID_TOKEN.code)
  );
}
