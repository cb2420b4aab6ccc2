import { QrStatus } from '@scanlogin/protocol';
import type { QrCodeStatus, QrUserInfo, StatusCallbacks } from './types.js';

/** Authing's status 5: the service reports an error in `scannedResult.errmsg`. Not in our protocol. */
export const STATUS_ERROR = 5;

const FINAL: readonly number[] = [QrStatus.Authorized, QrStatus.Cancelled, QrStatus.Expired, STATUS_ERROR];

/**
 * Statuses after which a client stops waiting. Unknown statuses wait on, as in
 * authing-js-sdk. Status 4 (step-up) is not final here, unlike there: our
 * service moves a code from 4 back to 1 once the phone has proved more, so
 * stopping at 4 would strand the page.
 */
export function isFinalStatus(status: number): boolean {
  return FINAL.includes(status);
}

/** The callbacks of {@link statusDispatcher}: Authing's callbacks plus status 5. */
export interface DispatchCallbacks extends StatusCallbacks {
  onFailed?: (message: string) => unknown;
}

/**
 * Turns a stream of statuses (polled, long-polled or pushed, possibly
 * repeated) into Authing's callbacks: `onResult` for each, `onScanned` once,
 * `onMfa` each time the code enters status 4, and exactly one final callback.
 * Returns true once the status is final.
 */
export function statusDispatcher(cb: DispatchCallbacks): (data: QrCodeStatus) => boolean {
  let scanned = false;
  let done = false;
  let last: number | null = null;
  return (data) => {
    if (done) return true;
    cb.onResult?.(data);
    // A number, not the QrStatus union: Authing's status 5 is not in our protocol.
    const status: number = data.status;
    const entered = status !== last;
    last = status;
    const userInfo = (data.userInfo ?? {}) as QrUserInfo;
    const extra = (data.scannedResult ?? {}) as {
      code?: number;
      message?: string;
      data?: unknown;
      errmsg?: string;
    };
    done = isFinalStatus(status);
    if (status === QrStatus.Scanned && !scanned) {
      scanned = true;
      cb.onScanned?.(userInfo);
    } else if (status === QrStatus.Authorized) cb.onSuccess?.(userInfo, data.ticket ?? '');
    else if (status === QrStatus.Cancelled) cb.onCancel?.();
    else if (status === QrStatus.Expired) cb.onExpired?.();
    else if (status === QrStatus.StepUp && entered) {
      cb.onMfa?.(extra.code ?? 0, extra.message ?? '', extra.data);
      cb.onAuthFlow?.(extra as Record<string, unknown>);
    } else if (status === STATUS_ERROR) cb.onFailed?.(extra.errmsg ?? extra.message ?? 'error');
    return done;
  };
}
