import type { QrStatus } from './status.js';

/** `data` of `POST /api/v2/qrcode/gene`. */
export interface GenerateResult {
  random: string;
  /** An image of the code (PNG; `.svg` beside it) that a page can draw cross-origin. */
  url: string;
  /** Seconds until the code expires. */
  expiresIn: number;
  /** The exact text inside the code, so clients can render it themselves. */
  payload: string;
  /** With a check code (pool option): the number the page shows. Ours. */
  checkCode?: number | null;
  /** The browser binding secret, for clients that send it as `x-scanlogin-binding`. Ours. */
  binding?: string;
  customLogo?: string;
}

/** What the page may learn of the scanning user before approval. */
export interface QrUserPreview {
  nickname: string | null;
  photo: string | null;
}

/** `data` of `GET /api/v2/qrcode/check`. */
export interface CheckResult {
  random: string;
  status: QrStatus;
  ticket: string | null;
  userInfo: QrUserPreview | Record<string, unknown> | null;
  scannedResult?: { code: number; message: string; data?: unknown };
  /** Seconds left before the code expires (0 once terminal). Ours; ignored by the stock SDK. */
  expiresIn?: number;
  /** Orders the code's changes: the SSE event id and the long-poll cursor. Ours. */
  seq?: number;
}

/** `data` of the three app calls (scanned / confirm / cancel). */
export interface AppActionResult {
  random: string;
  status: QrStatus;
  description: string;
}

/** One status change, as pushed over Server-Sent Events. */
export interface StatusEvent extends CheckResult {
  /** Monotonic per code; the SSE event id. */
  seq: number;
}

/**
 * A sign-in request of a device (RFC 8628), as the phone's confirm screen
 * shows it: the client app, what the device reported about itself when it
 * asked (its User-Agent: claimed, not verified), where its request came from,
 * and how near that is to the phone. Ours.
 */
export interface DeviceRequestContext {
  /** The code the device shows (`XXXX-XXXX`). */
  userCode: string;
  app: { id: string; name: string; logo: string | null };
  /** The device's IP address at its request, as the service saw it. */
  ip: string | null;
  /** Coarse place of that address; null when unknown. */
  place: string | null;
  browser: string | null;
  os: string | null;
  /** `browser` and `os` come from the device's User-Agent: claimed, not verified. */
  reportedByDevice: true;
  /** What the device asks for (OpenID scopes). */
  scopes: string[];
  /** ISO 8601. */
  createdAt: string;
  expiresAt: string;
  /** How near the device seems to the phone, and what the pool does about a mismatch. */
  proximity: { verdict: string; phonePlace: string | null; mismatch: boolean; policy: string };
  /** Approving needs the password (the pool's step-up policy, on a mismatch). */
  stepUpRequired: boolean;
}

/**
 * `data` of `POST /api/v2/codes/resolve`: what a typed code stands for. A
 * sign-in page's code continues exactly like a scanned QR code (`payload` is
 * that code's text); a device's code gets its own confirm screen. Ours.
 */
export type CodeResolution =
  | { kind: 'qr'; payload: string }
  | { kind: 'device'; device: DeviceRequestContext };

/** `data` of `POST /api/v2/device/approve` and `/deny`. Ours. */
export interface DeviceDecision {
  userCode: string;
  approved: boolean;
  app: { id: string; name: string };
}
