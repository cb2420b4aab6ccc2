import type { QrStatus } from './status.js';

/** `data` of `POST /api/v2/qrcode/gene`. */
export interface GenerateResult {
  random: string;
  /**
   * An image of the code (PNG; `.svg` beside it) that a page can draw
   * cross-origin, named by the public id it shows: after a rotation it
   * answers an error, and the `rotate` answer carries the new one.
   */
  url: string;
  /** Seconds until the code expires. */
  expiresIn: number;
  /** The exact text inside the code, so clients can render it themselves. */
  payload: string;
  /** With a check code (pool option): the number the page shows. Ours. */
  checkCode?: number | null;
  /**
   * The browser binding minted for this code alone (also set as its cookie),
   * for clients that send it as `x-scanlogin-binding`; absent when the pool
   * does not require a binding. Ours.
   */
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
