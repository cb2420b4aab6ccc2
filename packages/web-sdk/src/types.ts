import type {
  CheckResult,
  GenerateResult,
  QrUserPreview,
  RotateResult,
  UserWithToken,
} from '@scanlogin/protocol';
import type { ScanloginError } from './errors.js';
import type { Tips } from './i18n.js';

/** Options of `new AuthenticationClient(...)`, as in authing-js-sdk (the parts that apply here). */
export interface AuthenticationClientOptions {
  /** The application id (`x-authing-app-id`). */
  appId: string;
  /**
   * Base URL of the Scanlogin service, e.g. `https://login.example.com`.
   * Defaults to the page's own origin.
   */
  appHost?: string;
  /**
   * `zh-CN` or `en-US`: the widget's texts and `x-authing-lang` (so the
   * service's messages), as in authing-js-sdk. Without it the client follows
   * the page: its `<html lang>`, then the browser's languages (English when
   * neither is Chinese or English; zh-CN, authing-js-sdk's default, when there
   * is no page at all).
   */
  lang?: 'zh-CN' | 'en-US' | (string & {});
  /** Sent as `x-authing-userpool-id` when set. */
  userPoolId?: string;
  /** Sent as `x-authing-app-tenant-id` when set. */
  tenantId?: string;
}

/** A width and height in CSS pixels. */
export interface Size {
  width: number;
  height: number;
}

/** What the page learns of the user: `nickname` and `photo` before approval, the full user after. */
export type QrUserInfo = QrUserPreview & Record<string, unknown>;

/**
 * The user an exchanged ticket returns, `token` included: the protocol's
 * `UserWithToken`, every field optional because Authing's hosted service
 * sends its own selection, and more fields kept as they come.
 */
export type ExchangedUser = Partial<UserWithToken> & Record<string, unknown>;

/** Fields of ours that Authing's hosted service does not send: optional on the client. */
type OursOnly = 'checkCode' | 'rotatesIn' | 'binding';

/** `data` of the gene call: the protocol's `GenerateResult`, our own fields optional. */
export type GeneCodeResult = Omit<GenerateResult, OursOnly> & Partial<Pick<GenerateResult, OursOnly>>;

/** `data` of `rotateCode`: the same code (same `random`) with a new public id in `payload`. */
export type RotateCodeResult = Omit<RotateResult, 'checkCode' | 'rotatesIn'> &
  Partial<Pick<RotateResult, 'checkCode' | 'rotatesIn'>>;

/** `data` of the check call, as handed to `onResult`. */
export type QrCodeStatus = CheckResult & { seq?: number };

/** Options of `geneCode`, passed on to `POST /api/v2/qrcode/gene`. */
export interface GeneCodeOptions {
  /** Custom data written into the code (`params` on the wire); at most 512 bytes of JSON. */
  customData?: Record<string, unknown>;
  /**
   * What the page says about itself (a campaign, a cart...): kept with the
   * code and shown on the phone that scans it, marked as the page's own
   * words. At most 1024 bytes of JSON.
   */
  context?: Record<string, unknown>;
  /**
   * Return `customData` with the user: in `userInfo.customData` at approval
   * (to this browser, beside the ticket) and in `exchangeUserInfo`'s user.
   */
  withCustomData?: boolean;
  /** Authing's external identity provider connection (multi-tenant); accepted, ignored here. */
  extIdpConnId?: string;
  /**
   * Ours: the page will rotate the code's public id on the pool's schedule
   * (`rotatesIn`, then `rotateCode`), so that a picture of the code goes stale
   * within seconds. Only ask for it if you call `rotateCode` in time: phones
   * refuse a picture left un-rotated past its period. Default false here;
   * `startScanning` asks for it unless told `rotate: false`.
   */
  rotate?: boolean;
}

/** Status callbacks shared by `startPolling` and `startScanning`. */
export interface StatusCallbacks {
  /** Every status the SDK receives. */
  onResult?: (data: QrCodeStatus) => unknown;
  /** Once, when the phone scanned; `userInfo` has the scanner's `nickname` and `photo`. */
  onScanned?: (userInfo: QrUserInfo) => unknown;
  /** Once, when the user approved; redeem `ticket` with `exchangeUserInfo` (or on your server). */
  onSuccess?: (userInfo: QrUserInfo, ticket: string) => unknown;
  /** Once, when the user cancelled on the phone. */
  onCancel?: () => unknown;
  /** Once, when the code expired. */
  onExpired?: () => unknown;
  /** More authentication is needed (status 4): the `scannedResult` fields. */
  onMfa?: (code: number, message: string, data: unknown) => unknown;
  /** The whole `scannedResult` of status 4. */
  onAuthFlow?: (flow: Record<string, unknown>) => unknown;
}

/** Options of `startPolling`; Authing's semantics. */
export interface StartPollingOptions extends StatusCallbacks {
  /** Milliseconds between checks; the first check happens one interval after the start. Default 800. */
  interval?: number;
  /** At the first tick, with the timer that `stopPolling` (or `clearInterval`) stops. */
  onStart?: (timer: PollingTimer) => unknown;
  /**
   * A check failed (the polling then stops) or the service stopped the login
   * (status 5: its application was deleted, the scanner blocked...). The
   * argument is a {@link ScanloginError}: it has `code` (for status 5, the
   * reason's registry code, such as 2101) and `message` like Authing's
   * thrown object, and stringifies to the message.
   */
  onError?: (error: ScanloginError) => unknown;
}

/** What `setInterval` returns where the SDK runs. */
export type PollingTimer = ReturnType<typeof setInterval>;

/** How `startScanning` waits for the phone. */
export type WatchMode = 'sse' | 'long-poll' | 'polling';

/** Options of `startScanning`: Authing's options and callbacks, and a few of ours (marked). */
export interface StartScanningOptions extends GeneCodeOptions, StatusCallbacks {
  /** On success, redeem the ticket in the browser and pass the full user to `onSuccess`. Default false. */
  autoExchangeUserInfo?: boolean;
  /** Polling interval in milliseconds, when the SDK has to poll. Default 800. */
  interval?: number;
  /** Size of the code, quiet zone included. Default 240 × 240. */
  size?: Size;
  /** Size of the box mounted when no element has the given id. Default 300 × 300. */
  containerSize?: Size;
  /** Texts, over the defaults of the client's `lang`. */
  tips?: Partial<Tips>;
  /**
   * Ours: fetch a fresh code shortly before the current one expires, while
   * the page is visible and nobody has scanned it. Default false.
   */
  autoRefresh?: boolean;
  /**
   * Ours: the ways to wait for the phone, tried in this order until one works.
   * Default `['sse', 'long-poll', 'polling']`; behind a proxy that buffers
   * responses, `['polling']` is the safe choice.
   */
  transports?: WatchMode[];
  /**
   * Ours: rotate the public id the QR code carries while it waits (when the
   * pool rotates, every 30 s by default), so that a photo or screenshot of
   * the code is useless to others within seconds. The page keeps its
   * `random` and its status stream; only the picture changes, without
   * flicker, and only while the page is visible (a page that comes back
   * rotates at once if it is due). It stops once the code is scanned.
   * Default true; `false` keeps one id for the code's whole life.
   */
  rotate?: boolean;
  /** Each time a code starts being watched, with the handle `stopPolling` accepts. */
  onStart?: (handle: ScanningHandle) => unknown;
  /** A failure while waiting, or the service stopping the login (status 5): the message. */
  onError?: (message: string) => unknown;
  /** The code's `random` and image `url`, once generated. */
  onCodeLoaded?: (random: string, url: string) => unknown;
  /**
   * The code's `random` and image `url`, once drawn on the page. Not called
   * when a rotation redraws the same code: see `onCodeRotate`.
   */
  onCodeShow?: (random: string, url: string) => unknown;
  /**
   * Ours: the code's picture was replaced by a rotation: same `random` (the
   * status stream goes on), new `publicId` (what the QR code carries now).
   */
  onCodeRotate?: (random: string, publicId: string) => unknown;
  /** A code could not be generated: the message. */
  onCodeLoadFailed?: (message: string) => unknown;
  /** A code was replaced or the widget destroyed. */
  onCodeDestroyed?: (random: string) => unknown;
  /** The user pressed the retry button after a failure. */
  onRetry?: () => unknown;
}

/**
 * The running widget that `startScanning` resolves to. Ours: authing-js-sdk
 * returns nothing and cannot be stopped.
 */
export interface ScanningHandle {
  /** The code shown now (the key its status is read with), or null while none is. */
  readonly random: string | null;
  /**
   * Ours: the id the QR code carries now, what a phone sends. Equals `random`
   * unless the code rotates; then it changes with each rotation.
   */
  readonly publicId: string | null;
  /** How the widget waits for the phone right now. */
  readonly transport: WatchMode | null;
  /** The number the user must pick on the phone, for pools that ask for one; else null. */
  readonly checkCode: number | null;
  /** The widget's root element. */
  readonly element: HTMLElement;
  /** Replaces the code with a fresh one. */
  refresh(): void;
  /** Stops waiting (streams, requests, timers); the widget stays as it is. */
  stop(): void;
  /** Stops and removes the widget (and the box mounted for it, if any). */
  destroy(): void;
}
