import { asScanloginError, NETWORK_ERROR, ScanloginError } from '../errors.js';
import { sdkMessages } from '../i18n.js';
import { isFinalStatus } from '../status.js';
import type { QrCodeStatus, WatchMode } from '../types.js';
import { type HttpClient, STEP_UP_AWARE } from './http.js';

/** Seconds a long-poll asks the server to hold the request (the server allows 1..30). */
export const LONG_POLL_WAIT = 25;
/** If a fresh stream has sent no event by then, something (a buffering proxy) is in the way. */
const SSE_FIRST_EVENT_MS = 8000;
/** Backoff after failures: 1 s, 2 s, 4 s ... up to 30 s, with ±20 % jitter. */
const BACKOFF_MAX_MS = 30_000;

/** Options of {@link watchStatus}. */
export interface WatchOptions {
  http: HttpClient;
  random: string;
  /** Polling interval (ms) when the SDK has to poll. */
  interval: number;
  /** Ways to wait, best first; a mode that cannot work here is skipped. */
  modes: readonly WatchMode[];
  /** Seconds the code has left: one check is made just after, whatever the mode. */
  expiresIn?: number;
  /** Each status received (possibly repeated); the watch stops by itself after a final one. */
  onUpdate(data: QrCodeStatus): void;
  /** A transient failure; the watch retries by itself after `retryInMs`. */
  onTrouble(error: ScanloginError, retryInMs: number): void;
  /** A failure retrying cannot fix (e.g. the code does not exist); the watch has stopped. */
  onFatal(error: ScanloginError): void;
  /** The mode in use changed. */
  onMode?(mode: WatchMode): void;
  /** Runs `fn` after `ms` and returns what cancels it; replaceable by tests. Default: setTimeout. */
  later?: (fn: () => void, ms: number) => () => void;
}

/** A running watch. */
export interface Watch {
  readonly mode: WatchMode | null;
  /** Skips a pending backoff delay and tries again now. */
  retryNow(): void;
  /**
   * One plain check now, its answer delivered like any other (for when
   * something else learned that the code changed, e.g. that it expired).
   */
  check(): void;
  stop(): void;
}

const timeout = (fn: () => void, ms: number) => {
  const t = setTimeout(fn, ms);
  return () => clearTimeout(t);
};

/** The delay before retry number `failures` (1-based). */
export function backoffDelay(failures: number): number {
  const base = Math.min(BACKOFF_MAX_MS, 1000 * 2 ** Math.max(0, failures - 1));
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

/**
 * Waits for status changes of one code: Server-Sent Events, else long-poll,
 * else plain polling. Push is what makes the page react the moment the phone
 * acts, with one idle connection instead of a request every 800 ms.
 *
 * Fallbacks: a stream that fails before its first event (no endpoint, CORS,
 * a proxy that buffers) moves on to long-poll; a check answer without `seq`
 * means the server ignores `wait`, so it moves on to polling. Transient
 * failures retry with exponential backoff and are reported through
 * `onTrouble`; anything else ends the watch through `onFatal`.
 */
export function watchStatus(o: WatchOptions): Watch {
  const path = `/api/v2/qrcode/check?random=${encodeURIComponent(o.random)}&${STEP_UP_AWARE}`;
  const binding = o.http.bindingFor(o.random);
  let stopped = false;
  let modeIndex = -1;
  let mode: WatchMode | null = null;
  let lastSeq = -1;
  let failures = 0;
  let source: EventSource | null = null;
  let abort: AbortController | null = null;
  const timer = o.later ?? timeout;
  const timers = new Set<() => void>();
  // What a pending backoff will run, so that retryNow can run it at once.
  let pendingRetry: (() => void) | null = null;
  // Outside `timers`: switching modes must not cancel it.
  let cancelExpiryCheck: (() => void) | undefined;

  const later = (fn: () => void, ms: number) => {
    const cancel = timer(() => {
      timers.delete(cancel);
      if (!stopped) fn();
    }, ms);
    timers.add(cancel);
  };
  const clearTimers = () => {
    for (const cancel of timers) cancel();
    timers.clear();
    pendingRetry = null;
  };

  const stop = () => {
    stopped = true;
    clearTimers();
    cancelExpiryCheck?.();
    source?.close();
    source = null;
    abort?.abort();
    abort = null;
  };

  const deliver = (data: QrCodeStatus) => {
    if (stopped) return;
    failures = 0;
    if (typeof data.seq === 'number' && data.seq > lastSeq) lastSeq = data.seq;
    o.http.noteStatus(data);
    o.onUpdate(data);
    if (isFinalStatus(data.status)) stop();
  };

  /** Handles a failed attempt; `again` repeats it. */
  const fail = (e: unknown, again: () => void) => {
    if (stopped) return;
    const error = asScanloginError(e);
    if (!error.transient) {
      stop();
      o.onFatal(error);
      return;
    }
    failures++;
    const delay = backoffDelay(failures);
    pendingRetry = again;
    later(() => {
      pendingRetry = null;
      again();
    }, delay);
    o.onTrouble(error, delay);
  };

  const next = () => {
    clearTimers();
    source?.close();
    source = null;
    modeIndex++;
    const m = o.modes[modeIndex];
    if (!m) {
      stop();
      o.onFatal(new ScanloginError(NETWORK_ERROR, sdkMessages(o.http.lang()).noTransport));
      return;
    }
    if (m === 'sse' && typeof EventSource !== 'function') return next();
    mode = m;
    o.onMode?.(m);
    if (m === 'sse') sse(false);
    else if (m === 'long-poll') void longPoll();
    else poll();
  };

  /** `hadStream`: an earlier stream delivered events, so a failure now is a network blip. */
  const sse = (hadStream: boolean) => {
    // EventSource cannot send headers: the binding rides in the URL (the service never logs query strings).
    const proof = binding ? `&binding=${encodeURIComponent(binding)}` : '';
    const url = o.http.url(
      `/api/v2/qrcode/events?random=${encodeURIComponent(o.random)}&${STEP_UP_AWARE}${proof}`,
    );
    const es = new EventSource(url, { withCredentials: true });
    source = es;
    let got = false;
    later(() => {
      if (!got && source === es) (hadStream ? reconnect : next)();
    }, SSE_FIRST_EVENT_MS);
    es.addEventListener('status', (event) => {
      if (source !== es) return;
      let data: QrCodeStatus;
      try {
        data = JSON.parse((event as MessageEvent<string>).data);
      } catch {
        return; // a malformed event is ignored; the next one carries the full state anyway
      }
      got = hadStream = true;
      deliver(data);
    });
    // EventSource reconnects by itself, but without backoff and without
    // telling us; we close it and reopen under our own policy instead.
    const reconnect = () => {
      es.close();
      source = null;
      // The first drop of a working stream (a server restart, a proxy's time
      // limit) reconnects quietly; repeated failures back off and are reported.
      if (failures === 0 && got) {
        failures = 1;
        later(() => sse(true), 500);
      } else
        fail(new ScanloginError(NETWORK_ERROR, sdkMessages(o.http.lang()).streamInterrupted), () =>
          sse(true),
        );
    };
    es.onerror = () => {
      if (source !== es || stopped) return;
      if (!hadStream) next();
      else reconnect();
    };
  };

  const longPoll = async () => {
    while (!stopped && mode === 'long-poll') {
      const sent = lastSeq;
      const started = Date.now();
      const controller = new AbortController();
      abort = controller;
      // A connection that died silently must not hang the watch forever.
      const cancelGuard = timer(() => controller.abort(), (LONG_POLL_WAIT + 15) * 1000);
      // A plain check first, and after a failure: it answers at once, so the current state
      // shows (and a recovery is noticed) without waiting; the others name the last seq
      // seen and wait for a change after it.
      const quick = sent < 0 || failures > 0;
      const query = quick ? '' : `&wait=${LONG_POLL_WAIT}&seq=${sent}`;
      let data: QrCodeStatus;
      try {
        data = await o.http.request<QrCodeStatus>('GET', path + query, {
          signal: controller.signal,
          binding,
        });
      } catch (e) {
        if (stopped) return;
        const error = controller.signal.aborted
          ? new ScanloginError(NETWORK_ERROR, sdkMessages(o.http.lang()).longPollTimedOut)
          : e;
        fail(error, () => void longPoll());
        return;
      } finally {
        cancelGuard();
        abort = null;
      }
      if (stopped) return;
      if (typeof data.seq !== 'number') {
        // This server answers at once and ignores `wait`: poll politely instead.
        deliver(data);
        if (!stopped) next();
        return;
      }
      deliver(data);
      // Guards against a server that answers at once without a change: never spin.
      if (!stopped && !quick && data.seq === sent && Date.now() - started < 1000) {
        later(() => void longPoll(), o.interval);
        return;
      }
    }
  };

  const poll = () => {
    later(async () => {
      try {
        deliver(await o.http.request<QrCodeStatus>('GET', path, { binding }));
        if (!stopped) poll();
      } catch (e) {
        fail(e, poll);
      }
    }, o.interval);
  };

  /** A one-off check besides the mode's own; a failure is left to the mode's next attempt. */
  const check = () => {
    if (!stopped) o.http.request<QrCodeStatus>('GET', path, { binding }).then(deliver, () => {});
  };

  // Whatever the mode, look once just after the code's end of life: a stream
  // whose server does not push expiry would otherwise wait for nothing.
  if (o.expiresIn !== undefined && o.expiresIn > 0) {
    cancelExpiryCheck = timer(check, o.expiresIn * 1000 + 1500);
  }

  next();

  return {
    get mode() {
      return mode;
    },
    retryNow() {
      const again = pendingRetry;
      if (!again || stopped) return;
      clearTimers();
      again();
    },
    check,
    stop,
  };
}
