import {
  type AppActionResult,
  type CodeResolution,
  type DeviceDecision,
  ErrorCodes,
} from '@scanlogin/protocol';
import { isScanloginError, ScanloginError } from './errors.js';
import { type ParsedQr, parseQrPayload } from './payload.js';
import { type CallOptions, type FetchLike, type Request, send, type TransportConfig } from './transport.js';
import type {
  AppSession,
  AppUser,
  PoolConfig,
  QrLoginRecord,
  RequestContext,
  ScanloginAppOptions,
  ScanResult,
  WebSession,
} from './types.js';
import { jwksVerifier, type QrPayloadVerifier, type QrVerification } from './verify.js';

const DEFAULT_TIMEOUT_MS = 15_000;
const HOST = /^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/i;

/**
 * The phone side of a QR login. Sign the user in once (`login`), then for
 * each scanned code: `scan` (or `parseQrPayload` → `verifyQrPayload` →
 * `markScanned` → `getRequestContext`), show a confirm screen, then `confirm`
 * or `cancel`.
 *
 * Uses only `fetch`, so it runs in React Native, Capacitor and browsers.
 * Every failed call throws `ScanloginError`.
 */
export class ScanloginApp {
  readonly #transport: TransportConfig;
  readonly #appId: string | undefined;
  readonly #userPoolId: string | undefined;
  readonly #lang: string | undefined;
  readonly #verifier: QrPayloadVerifier | null;
  readonly #onTokenChange: ((token: string | null) => void) | undefined;
  readonly #now: () => number;
  readonly #clockToleranceMs: number;
  #token: string | null;
  #user: AppUser | null = null;

  constructor(options: ScanloginAppOptions) {
    const host = String(options.host ?? '')
      .trim()
      .replace(/\/+$/, '');
    if (!HOST.test(host)) {
      throw new TypeError(`ScanloginApp: host must be an http(s) URL, got "${options.host}".`);
    }
    const fetchImpl = options.fetch ?? defaultFetch();
    this.#transport = {
      host,
      fetch: fetchImpl,
      timeoutMs: Math.max(0, options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    };
    this.#appId = options.appId || undefined;
    this.#userPoolId = options.userPoolId || undefined;
    this.#lang = options.lang || undefined;
    this.#verifier = options.verifier === undefined ? jwksVerifier() : options.verifier;
    this.#onTokenChange = options.onTokenChange;
    this.#now = options.now ?? Date.now;
    this.#clockToleranceMs = options.clockToleranceMs ?? 0;
    this.#token = options.token || null;
  }

  /** The service's base URL, normalized (no trailing slash). */
  get host(): string {
    return this.#transport.host;
  }

  /** The app token sent with the QR calls, or `null` when signed out. */
  get token(): string | null {
    return this.#token;
  }

  /** The user of the last `login` in this instance (`null` after `setToken` with another token, or `logout`). */
  get user(): AppUser | null {
    return this.#user;
  }

  /** Uses a token obtained elsewhere (a saved session); `null` signs out locally. */
  setToken(token: string | null): void {
    const next = token || null;
    if (next === this.#token) return;
    this.#token = next;
    if (this.#user?.token !== next) this.#user = null;
    this.#onTokenChange?.(next);
  }

  /**
   * Signs in with an account (username, email or phone) and password, then
   * keeps the token for the other calls. `password` may be plain (TLS protects
   * it) or already RSA-encrypted with the pool's `publicKey` (see `getPoolConfig`);
   * the service accepts both.
   *
   * Sends `POST /api/v2/login/account`. Fails with `WRONG_CREDENTIALS` (2002),
   * `TOO_MANY_LOGIN_ATTEMPTS` (2003, see `retryAfterSeconds`), `USER_BLOCKED` (2004).
   */
  async login(account: string, password: string, opts: CallOptions = {}): Promise<AppUser> {
    const user = await this.#send<AppUser>(
      { method: 'POST', path: '/api/v2/login/account', body: { account, password } },
      opts,
      false,
    );
    if (!isObject(user) || typeof user.token !== 'string' || !user.token) {
      throw ScanloginError.client('bad-response', 'The login answer carries no token.');
    }
    this.#user = user;
    this.setToken(user.token);
    return user;
  }

  /**
   * Signs out (`POST /api/v2/logout`): the service ends this token's session
   * at once, so every app call and token validation refuse it from then on,
   * on every instance; then the token and the user are forgotten here.
   * Resolves to `true` when a live session ended, `false` when there was
   * none (no token, or one already signed out elsewhere).
   *
   * The token is forgotten here even when the call fails (offline, say): the
   * error is thrown so the app can tell the user that the session may still
   * be live until it expires, or until another device ends it
   * (`revokeAppSession`).
   */
  async logout(opts: CallOptions = {}): Promise<boolean> {
    if (!this.#token) {
      this.#user = null;
      return false;
    }
    try {
      const answer = await this.#send<{ revoked?: unknown }>(
        { method: 'POST', path: '/api/v2/logout' },
        opts,
        true,
      );
      return answer?.revoked === 1;
    } finally {
      this.#user = null;
      this.setToken(null);
    }
  }

  /**
   * The devices this user is signed in on with a password (`GET /api/v2/app-sessions`),
   * newest first; `current` marks this one.
   */
  async listAppSessions(opts: CallOptions = {}): Promise<AppSession[]> {
    const list = await this.#send<unknown>({ method: 'GET', path: '/api/v2/app-sessions' }, opts, true);
    if (!Array.isArray(list)) throw ScanloginError.client('bad-response', 'The sessions are not a list.');
    return list as AppSession[];
  }

  /**
   * Signs one device out (`DELETE /api/v2/app-sessions/:id`): its token is
   * refused from then on, and approvals it gave that no website has redeemed
   * yet are withdrawn. Ending this phone's own session (`current`) forgets the
   * token here too. Another user's or an ended session is `APP_SESSION_NOT_FOUND` (2261).
   */
  async revokeAppSession(id: string, opts: CallOptions = {}): Promise<void> {
    const own = this.#token !== null && sessionIdOf(this.#token) === id;
    const path = `/api/v2/app-sessions/${encodeURIComponent(id)}`;
    await this.#send<unknown>({ method: 'DELETE', path }, opts, true);
    if (own) {
      this.#user = null;
      this.setToken(null);
    }
  }

  /** The pool's public configuration (`GET /api/v2/.well-known`), including the password-encryption key. */
  getPoolConfig(opts: CallOptions = {}): Promise<PoolConfig> {
    return this.#send<PoolConfig>({ method: 'GET', path: '/api/v2/.well-known' }, opts, false);
  }

  /**
   * Proves a parsed code was made by this service, before a confirm screen is
   * shown. By default (`jwksVerifier()`) the code's signature must check out
   * against the service's published keys: an unsigned code is refused
   * (`QrPayloadError` reason `unsigned`), a forged or altered one too
   * (`bad-signature`), and an old picture of a rotating code (`expired`).
   * With `verifier: null` nothing is checked (`{ status: 'unchecked' }`).
   */
  async verifyQrPayload(qr: ParsedQr, opts: CallOptions = {}): Promise<QrVerification> {
    if (!this.#verifier) return { status: 'unchecked' };
    return this.#verifier.verify(qr, {
      host: this.#transport.host,
      fetch: this.#transport.fetch,
      now: this.#now(),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  }

  /**
   * Marks a code scanned (`POST /api/v2/qrcode/scanned`): the website shows
   * "scanned, confirm on your phone". Repeating it is harmless.
   */
  markScanned(random: string, opts: CallOptions = {}): Promise<AppActionResult> {
    return this.#action('/api/v2/qrcode/scanned', random, opts);
  }

  /**
   * Approves the login (`POST /api/v2/qrcode/confirm`); the website gets a
   * ticket. The code must have been marked scanned by this user
   * (else `QR_WRONG_STATE` 2243 or `QR_SCANNED_BY_OTHER` 2244). When the pool
   * asks for a check code (`context.checkCodeChoices`), pass the number the
   * user picked as `checkCode`: a wrong pick refuses the login (`CHECK_CODE_WRONG`).
   */
  confirm(random: string, opts: CallOptions & { checkCode?: number } = {}): Promise<AppActionResult> {
    const extra = opts.checkCode === undefined ? {} : { checkCode: opts.checkCode };
    return this.#action('/api/v2/qrcode/confirm', random, opts, extra);
  }

  /**
   * After a step-up (status 4: the page is far from the phone and the pool
   * wants more proof), sends the user's password again
   * (`POST /api/v2/qrcode/step-up`); the code returns to scanned (status 1).
   */
  stepUp(random: string, password: string, opts: CallOptions = {}): Promise<AppActionResult> {
    return this.#action('/api/v2/qrcode/step-up', random, opts, { password });
  }

  /** The user's recent QR logins (approved, denied, redeemed), newest first (`GET /api/v2/qrcode/history`). */
  async history(opts: CallOptions = {}): Promise<QrLoginRecord[]> {
    const entries = await this.#send<unknown>({ method: 'GET', path: '/api/v2/qrcode/history' }, opts, true);
    if (!Array.isArray(entries)) throw ScanloginError.client('bad-response', 'The history is not a list.');
    return entries as QrLoginRecord[];
  }

  /** The websites this user is signed in to through QR logins, newest first. */
  listWebSessions(opts: CallOptions = {}): Promise<WebSession[]> {
    return this.#send<WebSession[]>({ method: 'GET', path: '/api/v2/qrcode/web-sessions' }, opts, true);
  }

  /** Signs one website out: its tokens fail validation from now on. */
  async revokeWebSession(id: string, opts: CallOptions = {}): Promise<void> {
    const path = `/api/v2/qrcode/web-sessions/${encodeURIComponent(id)}`;
    await this.#send<unknown>({ method: 'DELETE', path }, opts, true);
  }

  /** Signs every website out that a QR login of this user signed in; returns how many. */
  async revokeAllWebSessions(opts: CallOptions = {}): Promise<number> {
    const answer = await this.#send<{ revoked?: unknown }>(
      { method: 'DELETE', path: '/api/v2/qrcode/web-sessions' },
      opts,
      true,
    );
    return typeof answer?.revoked === 'number' ? answer.revoked : 0;
  }

  /** Refuses the login (`POST /api/v2/qrcode/cancel`); same preconditions as `confirm`. */
  cancel(random: string, opts: CallOptions = {}): Promise<AppActionResult> {
    return this.#action('/api/v2/qrcode/cancel', random, opts);
  }

  /**
   * What the service observed when the website created the code
   * (`GET /api/v2/qrcode/context`): which application, from which origin, IP,
   * place, browser. Show it on the confirm screen so the user can spot a
   * relayed (phishing) code. `pageContext` is different: what the page
   * itself claims (the `context` it passed), which anyone making a page can
   * write; show it apart, as the page's words, never as the site's name or
   * origin, and as text (`visibleText` bounds it and escapes characters that
   * would hide or reorder what is around them). Only the user who marked the code scanned may
   * read it: call `markScanned` first (else `QR_WRONG_STATE` 2243; another
   * user's scan is `QR_SCANNED_BY_OTHER` 2244). Services older than this
   * endpoint answer `ROUTE_NOT_FOUND` (1004, HTTP 404).
   */
  getRequestContext(random: string, opts: CallOptions = {}): Promise<RequestContext> {
    return this.#send<RequestContext>(
      { method: 'GET', path: `/api/v2/qrcode/context?random=${encodeURIComponent(random)}` },
      opts,
      true,
    );
  }

  /**
   * The steps between reading a code and the confirm screen, in the safe
   * order: parse (and check expiry), verify its origin, mark it scanned, fetch
   * the request context. The context is `null` when the service does not offer
   * it (`ROUTE_NOT_FOUND`); other failures are thrown.
   *
   * @throws {QrPayloadError} when `text` is not a valid, unexpired login code.
   * @throws {ScanloginError} when a call fails.
   */
  async scan(text: string, opts: CallOptions = {}): Promise<ScanResult> {
    const qr = parseQrPayload(text, { now: this.#now(), clockToleranceMs: this.#clockToleranceMs });
    const verification = await this.verifyQrPayload(qr, opts);
    const scanned = await this.markScanned(qr.random, opts);
    let context: RequestContext | null = null;
    try {
      context = await this.getRequestContext(qr.random, opts);
    } catch (err) {
      if (!(isScanloginError(err) && err.code === ErrorCodes.ROUTE_NOT_FOUND.code)) throw err;
    }
    return { qr, verification, scanned, context };
  }

  /**
   * What a code the user typed stands for (`POST /api/v2/codes/resolve`;
   * letters of `BCDFGHJKLMNPQRSTVWXZ`, case, spaces and dashes ignored): a
   * sign-in page's QR code, for which `payload` is the code's text (go on
   * with `scan(payload)`, as after scanning it), or a device's sign-in request
   * (RFC 8628 user code) with what the service saw of the device, for the
   * confirm screen; then `approveDevice` or `denyDevice`. Wrong codes are
   * throttled: after several, `TOO_MANY_LOGIN_ATTEMPTS` (2003) with a wait.
   */
  resolveCode(code: string, opts: CallOptions = {}): Promise<CodeResolution> {
    return this.#send<CodeResolution>(
      { method: 'POST', path: '/api/v2/codes/resolve', body: { code } },
      opts,
      true,
    );
  }

  /**
   * Approves a device's request. `password` when the request's context says
   * `stepUpRequired` (the pool's proximity policy, for a device far away).
   */
  approveDevice(userCode: string, opts: CallOptions & { password?: string } = {}): Promise<DeviceDecision> {
    const body = { userCode, ...(opts.password === undefined ? {} : { password: opts.password }) };
    return this.#send<DeviceDecision>({ method: 'POST', path: '/api/v2/device/approve', body }, opts, true);
  }

  /** Refuses a device's request: the device's next poll gets `access_denied`. */
  denyDevice(userCode: string, opts: CallOptions = {}): Promise<DeviceDecision> {
    return this.#send<DeviceDecision>(
      { method: 'POST', path: '/api/v2/device/deny', body: { userCode } },
      opts,
      true,
    );
  }

  async #action(
    path: string,
    random: string,
    opts: CallOptions,
    extra: Record<string, unknown> = {},
  ): Promise<AppActionResult> {
    const body = { random, ...extra };
    const result = await this.#send<AppActionResult>({ method: 'POST', path, body }, opts, true);
    if (!isObject(result) || typeof result.random !== 'string' || typeof result.status !== 'number') {
      throw ScanloginError.client('bad-response', 'The answer has no QR status.');
    }
    return result;
  }

  #send<T>(req: Omit<Request, 'headers' | 'signal'>, opts: CallOptions, withToken: boolean): Promise<T> {
    const headers: Record<string, string> = {};
    if (this.#appId) headers['x-authing-app-id'] = this.#appId;
    else if (this.#userPoolId) headers['x-authing-userpool-id'] = this.#userPoolId;
    if (withToken && this.#token) headers['authorization'] = `Bearer ${this.#token}`;
    if (this.#lang) headers['x-authing-lang'] = this.#lang;
    return send<T>(this.#transport, { ...req, headers, signal: opts.signal });
  }
}

/**
 * The session id (`sid`) a token names, read without verifying it: only to
 * know whether a session being ended is this phone's own. Null when unreadable.
 */
function sessionIdOf(token: string): string | null {
  try {
    const part = token.split('.')[1] ?? '';
    const claims: unknown = JSON.parse(atob(part.replace(/-/g, '+').replace(/_/g, '/')));
    return isObject(claims) && typeof claims.sid === 'string' ? claims.sid : null;
  } catch {
    return null;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

/** `globalThis.fetch`, always called on `globalThis`: some browsers throw "Illegal invocation" otherwise. */
function defaultFetch(): FetchLike {
  if (typeof globalThis.fetch !== 'function') {
    throw new TypeError('ScanloginApp: no global fetch here; pass the `fetch` option.');
  }
  return (input, init) => globalThis.fetch(input, init);
}
