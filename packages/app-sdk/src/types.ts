import type {
  AppActionResult,
  AppSession,
  AuditEntry,
  PoolPublicConfig,
  RequestContextView,
  UserWithToken,
  WebSession,
} from '@scanlogin/protocol';
import type { ParsedQr } from './payload.js';
import type { FetchLike } from './transport.js';
import type { QrPayloadVerifier, QrVerification } from './verify.js';

/** Options of `new ScanloginApp(...)`. */
export interface ScanloginAppOptions {
  /** The service's base URL, such as `https://login.example.com` (a path prefix is allowed). */
  host: string;
  /** The application the phone app is registered as; sent as `x-authing-app-id`. */
  appId?: string;
  /** Used (as `x-authing-userpool-id`) only when no `appId` is given. */
  userPoolId?: string;
  /**
   * The language of the service's words (error messages, place names, status
   * words), sent as `x-authing-lang`: `en-US` or `zh-CN`. Without it the
   * service goes by `Accept-Language` (a browser sends the user's), else English.
   */
  lang?: 'en-US' | 'zh-CN' | (string & {});
  /** A token saved from an earlier `login`, to resume a session. */
  token?: string | null;
  /** A `fetch` to use instead of `globalThis.fetch` (tests, custom TLS pinning, instrumentation). */
  fetch?: FetchLike;
  /** Milliseconds before a call fails with kind `timeout` (default 15,000; 0 disables). */
  timeoutMs?: number;
  /**
   * Checks a code's signature in `verifyQrPayload`/`scan`. Default:
   * `jwksVerifier()`, which refuses unsigned and forged codes. `null` checks
   * nothing (only for a service that does not sign its codes).
   */
  verifier?: QrPayloadVerifier | null;
  /** Called whenever the token changes (login, `setToken`, logout): persist it in secure storage here. */
  onTokenChange?: (token: string | null) => void;
  /** The clock for the expiry check in `scan`, in epoch milliseconds (default `Date.now`). */
  now?: () => number;
  /** Passed to `parseQrPayload` by `scan`; see `ParseQrOptions#clockToleranceMs`. */
  clockToleranceMs?: number;
}

/**
 * The signed-in user, as `login` returns it: the protocol's `UserWithToken`
 * (Authing's field names). Authing's hosted service sends more fields; they
 * are kept.
 */
export type AppUser = UserWithToken & { [field: string]: unknown };

/** `data` of `GET /api/v2/.well-known`: the pool's public configuration. */
export type PoolConfig = PoolPublicConfig;

/**
 * What the service observed when the website created the code, for the
 * confirm screen ("Log in to <app> on <browser> near <place>?"): the
 * protocol's `RequestContextView`.
 */
export type RequestContext = RequestContextView;

/** What `scan` gathered: everything a confirm screen needs. */
export interface ScanResult {
  qr: ParsedQr;
  /** Whether the code's origin was proven (`verified` with the default verifier). */
  verification: QrVerification;
  /** The service's answer to `markScanned` (status 1, scanned). */
  scanned: AppActionResult;
  /** What the service saw of the website's request; `null` when this service does not offer it. */
  context: RequestContext | null;
}

/** One of the user's recent QR logins, as the history call returns it. */
export type QrLoginRecord = AuditEntry;

/** A website signed in through one of the user's QR logins (`listWebSessions`). */
/** A device the user is signed in on with a password (`listAppSessions`). */
export type { AppSession, WebSession };
