import { asScanloginError, type ScanloginError } from '../errors.js';
import { backoffDelay } from '../transport/watch.js';
import type { RotateCodeResult } from '../types.js';

/** The service's codes a rotation expects to meet (see `ErrorCodes` in `@scanlogin/protocol`). */
const QR_EXPIRED = 2242;
const QR_WRONG_STATE = 2243;
/** How much earlier than announced the widget rotates, so that the new picture is up in time. */
const EARLY_S = 2;
/** Retries after a network failure come sooner than the watch's: the picture goes stale meanwhile. */
const RETRY_MAX_MS = 5000;

/** Milliseconds until a code with `rotatesIn` seconds left should rotate; null: never. */
export function rotationDelay(rotatesIn: number | null | undefined): number | null {
  if (typeof rotatesIn !== 'number') return null;
  // Never below a second: a service that says 0 must not be asked in a tight loop.
  return Math.max(1, rotatesIn - EARLY_S) * 1000;
}

/** What a rotation needs from the widget. */
export interface RotationOptions {
  /** Asks for a new public id (`rotateCode`). */
  rotate(): Promise<RotateCodeResult>;
  /** The new picture, to draw in place of the old one. */
  onRotated(code: RotateCodeResult): void;
  /** The service said the code expired: let the status path catch up. */
  onExpired(): void;
  /** A failure that retrying cannot fix (neither expiry nor a scan). */
  onFailed(error: ScanloginError): void;
  /** Whether the page is visible: a hidden page waits for `wake`. */
  visible(): boolean;
  /** Timers and clock, replaceable by tests. Defaults: setTimeout and Date.now. */
  later?: (fn: () => void, ms: number) => () => void;
  now?: () => number;
}

/** A running rotation schedule of one code. */
export interface Rotation {
  /** When the next rotation is due (epoch ms), or null when none is. */
  readonly dueAt: number | null;
  /** Rotates now if one is due and the page is visible (call it when the page shows again). */
  wake(): void;
  /** Rotates now, due or not; resolves once the attempt is over. */
  run(): Promise<void>;
  /** No more rotations (the code left the waiting state, or the widget moved on). */
  stop(): void;
}

const timeout = (fn: () => void, ms: number) => {
  const t = setTimeout(fn, ms);
  return () => clearTimeout(t);
};

/**
 * Rotates a code's public id on the schedule the service announces. Each
 * answer names the next delay, so the schedule follows the service's clock,
 * not ours. A rotation that comes due while the page is hidden waits: nobody
 * can scan a hidden page, and its timers may be throttled anyway; `wake`
 * catches up at once when the page shows again.
 *
 * Failures: a transient one (network, 429, 5xx) is retried within seconds;
 * 2243 (the code was scanned or cancelled meanwhile) just stops, the status
 * stream tells the rest; 2242 (expired) stops and calls `onExpired`; anything
 * else stops and calls `onFailed`.
 */
export function startRotation(rotatesIn: number | null | undefined, o: RotationOptions): Rotation {
  const later = o.later ?? timeout;
  const now = o.now ?? Date.now;
  let cancel: (() => void) | null = null;
  let dueAt: number | null = null;
  let busy = false;
  let stopped = false;
  let failures = 0;

  const clear = () => {
    cancel?.();
    cancel = null;
  };
  const schedule = (ms: number | null) => {
    clear();
    dueAt = ms === null ? null : now() + ms;
    if (ms !== null) {
      cancel = later(() => {
        cancel = null;
        if (o.visible()) void run();
      }, ms);
    }
  };
  const stop = () => {
    stopped = true;
    clear();
    dueAt = null;
  };

  async function run(): Promise<void> {
    if (stopped || busy) return;
    busy = true;
    clear();
    let code: RotateCodeResult;
    try {
      code = await o.rotate();
    } catch (e) {
      if (stopped) return;
      const error = asScanloginError(e);
      if (error.transient) {
        failures++;
        schedule(Math.min(backoffDelay(failures), RETRY_MAX_MS));
        return;
      }
      stop();
      if (error.code === QR_EXPIRED) o.onExpired();
      else if (error.code !== QR_WRONG_STATE) o.onFailed(error);
      return;
    } finally {
      busy = false;
    }
    if (stopped) return;
    failures = 0;
    schedule(rotationDelay(code.rotatesIn));
    // Outside the try: a throwing page callback is not a failed rotation.
    o.onRotated(code);
  }

  schedule(rotationDelay(rotatesIn));

  return {
    get dueAt() {
      return dueAt;
    },
    wake() {
      if (!stopped && dueAt !== null && now() >= dueAt && o.visible()) void run();
    },
    run,
    stop,
  };
}
