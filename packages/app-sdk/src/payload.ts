import { parseIsoDateTime } from './iso-date.js';

/**
 * The longest text `parseQrPayload` reads. A QR code holds at most 2,953
 * bytes, and ours stay far below (custom data is capped at 512 bytes), so
 * anything longer did not come from one of our codes.
 */
export const MAX_QR_TEXT_LENGTH = 4096;

/** The longest `random` and `userPoolId` the service accepts. */
const MAX_ID_LENGTH = 128;

/**
 * Why a scanned text was refused. A closed list so apps can switch on it:
 *
 * - `too-long`: longer than {@link MAX_QR_TEXT_LENGTH}; never one of ours.
 * - `not-json`: not JSON at all (a URL, a Wi-Fi code, plain text...).
 * - `not-login-code`: JSON, but not a login code: not an object, or its
 *   `scene` is missing or is not `APP_AUTH`.
 * - `missing-field`: a login code without `random`, `userPoolId`,
 *   `createdAt`, or both of `expireAt` / `expiresIn` (see `field`).
 * - `bad-field`: a field of the wrong type or size (see `field`).
 * - `bad-date`: `createdAt` / `expireAt` is not an ISO 8601 date-time,
 *   `expiresIn` is not a positive number of seconds, or the code would expire
 *   before it was created (see `field`).
 * - `expired`: well formed, but its expiry time has passed. The server is the
 *   final judge; this saves a round trip and gives a clear message.
 * - `unsigned`: the code carries no signature and the verifier requires one
 *   (from `verifyQrPayload`/`scan`, never from `parseQrPayload`).
 * - `bad-signature`: the signature is not the service's, or does not cover
 *   this code (from a `QrPayloadVerifier`; `parseQrPayload` never produces it).
 */
export type QrPayloadErrorReason =
  | 'too-long'
  | 'not-json'
  | 'not-login-code'
  | 'missing-field'
  | 'bad-field'
  | 'bad-date'
  | 'expired'
  | 'unsigned'
  | 'bad-signature';

/** A scanned text that is not a usable Scanlogin login code. */
export class QrPayloadError extends Error {
  override readonly name = 'QrPayloadError';
  /** Why the text was refused; switch on this, not on `message`. */
  readonly reason: QrPayloadErrorReason;
  /** The payload field at fault, for `missing-field`, `bad-field` and `bad-date`. */
  readonly field: string | undefined;

  constructor(reason: QrPayloadErrorReason, message: string, field?: string) {
    super(message);
    this.reason = reason;
    this.field = field;
  }
}

/** A login code, read and checked. */
export interface ParsedQr {
  /** The code's id: what `markScanned`, `confirm` and `cancel` take. */
  random: string;
  /** The user pool the code belongs to; only its users can approve it. */
  userPoolId: string;
  createdAt: Date;
  /** From `expireAt`, or from `createdAt + expiresIn` in the edition that writes seconds. */
  expiresAt: Date;
  /** What the website attached to the code (`{}` when nothing). */
  customData: Record<string, unknown>;
  /**
   * The code's signature (a compact JWS in the `sig` field) when it carries
   * one, else `null`. Read but NOT checked here: see `verifyQrPayload`.
   */
  sig: string | null;
  /** The scanned text, unchanged (a signature check needs the exact bytes). */
  raw: string;
}

/** Options of {@link parseQrPayload}. */
export interface ParseQrOptions {
  /** The current time in epoch milliseconds, for the expiry check (default: `Date.now()`). */
  now?: number;
  /**
   * How far past its expiry a code is still accepted, in milliseconds, for
   * phones whose clock runs ahead (default 0). The server checks expiry again.
   */
  clockToleranceMs?: number;
}

/**
 * Reads the text of a scanned QR code. Accepts Authing's JSON
 * (`{"scene":"APP_AUTH","random","userPoolId","createdAt","expireAt","customData"}`)
 * and the edition that writes `expiresIn` (seconds after `createdAt`) instead
 * of `expireAt`; unknown fields are ignored so newer servers can add some.
 *
 * Parsing proves only that the text has the right shape: anybody can print
 * such a code. Call `ScanloginApp#verifyQrPayload` before the confirm screen.
 *
 * @throws {QrPayloadError} when the text is not a valid, unexpired login code.
 */
export function parseQrPayload(text: string, opts: ParseQrOptions = {}): ParsedQr {
  if (typeof text !== 'string') throw new QrPayloadError('not-json', 'The scanned content is not text.');
  if (text.length > MAX_QR_TEXT_LENGTH) {
    throw new QrPayloadError('too-long', `The scanned text is longer than ${MAX_QR_TEXT_LENGTH} characters.`);
  }
  const json = readJson(text);
  if (!isPlainObject(json) || !('scene' in json)) {
    throw new QrPayloadError('not-login-code', 'This QR code is not a login code.');
  }
  const scene = json['scene'];
  if (scene !== 'APP_AUTH') {
    const what = typeof scene === 'string' && scene.length <= 32 ? ` (scene "${scene}")` : '';
    throw new QrPayloadError('not-login-code', `This QR code is not a login code${what}.`);
  }

  const random = readId(json, 'random');
  const userPoolId = readId(json, 'userPoolId');
  const { createdAt, expiresAt } = readDates(json);
  const customData = readCustomData(json);
  const sig = readSig(json);

  const now = opts.now ?? Date.now();
  if (now >= expiresAt.getTime() + Math.max(0, opts.clockToleranceMs ?? 0)) {
    throw new QrPayloadError('expired', 'This login code has expired; refresh the page and scan again.');
  }
  return { random, userPoolId, createdAt, expiresAt, customData, sig, raw: text };
}

function readJson(text: string): unknown {
  // Some scanners keep a byte-order mark or surrounding whitespace; JSON.parse takes the latter.
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return JSON.parse(body);
  } catch {
    throw new QrPayloadError('not-json', 'This QR code is not a login code (its content is not JSON).');
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function readId(json: Record<string, unknown>, field: 'random' | 'userPoolId'): string {
  const v = json[field];
  if (v === undefined || v === null || v === '') {
    throw new QrPayloadError('missing-field', `The login code has no ${field}.`, field);
  }
  if (typeof v !== 'string' || v.length > MAX_ID_LENGTH) {
    throw new QrPayloadError(
      'bad-field',
      `The login code's ${field} must be a string of at most ${MAX_ID_LENGTH} characters.`,
      field,
    );
  }
  return v;
}

function readDate(json: Record<string, unknown>, field: 'createdAt' | 'expireAt'): Date {
  const v = json[field];
  const date = typeof v === 'string' ? parseIsoDateTime(v) : null;
  if (!date)
    throw new QrPayloadError('bad-date', `The login code's ${field} is not an ISO 8601 date.`, field);
  return date;
}

function readDates(json: Record<string, unknown>): { createdAt: Date; expiresAt: Date } {
  if (json['createdAt'] === undefined || json['createdAt'] === null) {
    throw new QrPayloadError('missing-field', 'The login code has no createdAt.', 'createdAt');
  }
  const createdAt = readDate(json, 'createdAt');
  let expiresAt: Date;
  if (json['expireAt'] !== undefined && json['expireAt'] !== null) {
    expiresAt = readDate(json, 'expireAt');
  } else if (json['expiresIn'] !== undefined && json['expiresIn'] !== null) {
    const seconds = json['expiresIn'];
    if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) {
      throw new QrPayloadError(
        'bad-date',
        "The login code's expiresIn must be a positive number of seconds.",
        'expiresIn',
      );
    }
    expiresAt = new Date(createdAt.getTime() + seconds * 1000);
    if (Number.isNaN(expiresAt.getTime())) {
      throw new QrPayloadError('bad-date', "The login code's expiresIn is out of range.", 'expiresIn');
    }
  } else {
    throw new QrPayloadError('missing-field', 'The login code has no expireAt (nor expiresIn).', 'expireAt');
  }
  if (expiresAt.getTime() <= createdAt.getTime()) {
    throw new QrPayloadError('bad-date', 'The login code expires before it was created.', 'expireAt');
  }
  return { createdAt, expiresAt };
}

function readCustomData(json: Record<string, unknown>): Record<string, unknown> {
  const v = json['customData'];
  if (v === undefined || v === null) return {};
  if (!isPlainObject(v)) {
    throw new QrPayloadError('bad-field', "The login code's customData must be an object.", 'customData');
  }
  return v;
}

function readSig(json: Record<string, unknown>): string | null {
  const v = json['sig'];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string' || v === '') {
    throw new QrPayloadError('bad-field', "The login code's sig must be a compact JWS string.", 'sig');
  }
  return v;
}
