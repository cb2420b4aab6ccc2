import { QrStatus } from '@scanlogin/protocol';
import type { QrCodeStatus, QrUserInfo, StatusCallbacks } from './types.js';

const FINAL: readonly number[] = [QrStatus.Authorized, QrStatus.Cancelled, QrStatus.Expired, QrStatus.Error];

/**
 * Statuses after which a client stops waiting. Unknown statuses wait on, as in
 * authing-js-sdk. Status 4 (step-up) is not final here, unlike there: our
 * service moves a code from 4 back to 1 once the phone has proved more, so
 * stopping at 4 would strand the page.
 */
export function isFinalStatus(status: number): boolean {
  return FINAL.includes(status);
}

/** The callbacks of {@link statusDispatcher}: Authing's callbacks plus status 5 (what stopped the login). */
export interface DispatchCallbacks extends StatusCallbacks {
  onFailed?: (code: number, message: string) => unknown;
}

/**
 * What stopped a login (status 5), from `scannedResult`: our service sends
 * `errmsg` as `{code, message}` (as authing-js-sdk's `onError` documents it);
 * Authing's own service may send a bare string.
 */
function stopReason(extra: { code?: number; message?: string; errmsg?: unknown }): [number, string] {
  const e = extra.errmsg;
  if (typeof e === 'string') return [extra.code ?? QrStatus.Error, e];
  const o = (typeof e === 'object' && e !== null ? e : {}) as { code?: unknown; message?: unknown };
  const code = typeof o.code === 'number' ? o.code : (extra.code ?? QrStatus.Error);
  return [code, typeof o.message === 'string' ? o.message : (extra.message ?? 'error')];
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
    // A number, not the QrStatus union: a service may send statuses this SDK does not know.
    const status: number = data.status;
    const entered = status !== last;
    last = status;
    const userInfo = (data.userInfo ?? {}) as QrUserInfo;
    const extra = (data.scannedResult ?? {}) as {
      code?: number;
      message?: string;
      data?: unknown;
      errmsg?: unknown;
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
    } else if (status === QrStatus.Error) cb.onFailed?.(...stopReason(extra));
    return done;
  };
}
