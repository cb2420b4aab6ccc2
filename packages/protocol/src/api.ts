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

/**
 * Query parameter (`stepUp=1`) of `check`, its long-poll and the event stream
 * by which a page says it keeps waiting through status 4 (step-up). Ours.
 * Pages that do not say so (the stock SDK stops at 4 and calls `onMfa`) see a
 * code in step-up as status 1 until the phone has proved more, so they are
 * never stranded.
 */
export const STEP_UP_AWARE_PARAM = 'stepUp';

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
