import type { AppActionResult } from '@scanlogin/protocol';
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

/** The signed-in user, as `login` returns it (Authing's field names; more fields may follow). */
export interface AppUser {
  id: string;
  userPoolId: string;
  username: string | null;
  email: string | null;
  phone: string | null;
  nickname: string | null;
  photo: string | null;
  /** The app token; the SDK sends it as `Authorization: Bearer <token>`. */
  token: string;
  /** When the token expires (ISO 8601). */
  tokenExpiredAt?: string;
  [field: string]: unknown;
}

/** `data` of `GET /api/v2/.well-known`: the pool's public configuration. */
export interface PoolConfig {
  userPoolId: string;
  name: string;
  /** PEM public key; a password RSA-encrypted with it (PKCS#1 v1.5, base64) may be passed to `login`. */
  publicKey: string;
  [field: string]: unknown;
}

/**
 * What the service observed when the website created the code, for the
 * confirm screen ("Log in to <app> on <browser> near <place>?"). Every field
 * is optional: servers add what they know, and older ones send less.
 */
export interface RequestContext {
  /** The code's id. */
  random?: string;
  /** The application the website belongs to. */
  app?: { id?: string; name?: string | null; logo?: string | null; [field: string]: unknown } | null;
  /** The web origin the code was requested from, when the browser sent one. */
  origin?: string | null;
  /** The requesting IP address, as the service saw it (empty or null when unknown). */
  ip?: string | null;
  /** An approximate place derived from the IP address; `null` when the service has no geolocation. */
  place?: string | null;
  browser?: string | null;
  os?: string | null;
  /**
   * True when `browser` and `os` come from what the browser said about itself
   * (its User-Agent) and so prove nothing; show them as such.
   */
  reportedByBrowser?: boolean;
  /** When the code was created (ISO 8601). */
  createdAt?: string | null;
  /** When the code expires (ISO 8601). */
  expiresAt?: string | null;
  [field: string]: unknown;
}

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

/** A website signed in through one of the user's QR logins (`listWebSessions`). */
/** One of the user's recent QR logins, as the history call returns it. */
export interface QrLoginRecord {
  id: string;
  /** ISO 8601. */
  at: string;
  outcome: 'approved' | 'denied' | 'redeemed';
  /** The QR code's public id. */
  random: string;
  app: { id: string; name: string };
  /** What was observed of the browser that asked for the code. */
  origin: string | null;
  ip: string | null;
  place: string | null;
  browser: string | null;
  os: string | null;
  /** The phone's address at the decision. */
  deviceIp: string | null;
}

export interface WebSession {
  id: string;
  app: { id: string; name: string };
  /** The web origin of the page that asked for the code, when the browser sent one. */
  origin: string | null;
  ip: string | null;
  place: string | null;
  browser: string | null;
  os: string | null;
  /** ISO 8601. */
  createdAt: string;
  expiresAt: string;
}
