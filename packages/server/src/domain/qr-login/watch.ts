import type { Clock } from '../clock.js';
import type { QrSessionRecord, SessionEvents } from './ports.js';

/**
 * Subscribes to one code's changes *before* its state is read, so a change
 * landing between the read and the wait is not lost: `next()` resolves at
 * once if something was published since the watch began.
 */
export class SessionWatch {
  #pending: QrSessionRecord | null = null;
  #wake: (() => void) | null = null;
  readonly #unsubscribe: () => void;
  readonly #clock: Clock;

  /** `clock` times the waits: a test that moves it ends them, as the code's own time would. */
  constructor(events: SessionEvents, random: string, clock: Clock) {
    this.#clock = clock;
    this.#unsubscribe = events.subscribe(random, (session) => {
      this.#pending = session;
      this.#wake?.();
    });
  }

  /** The next published state, or null after `timeoutMs` of the clock's time or when `signal` aborts. */
  next(timeoutMs: number, signal?: AbortSignal): Promise<QrSessionRecord | null> {
    if (this.#pending) {
      const s = this.#pending;
      this.#pending = null;
      return Promise.resolve(s);
    }
    return new Promise((resolve) => {
      const finish = () => {
        cancelTimer();
        signal?.removeEventListener('abort', finish);
        this.#wake = null;
        const s = this.#pending;
        this.#pending = null;
        resolve(s);
      };
      const cancelTimer = this.#clock.setTimer(finish, Math.max(0, timeoutMs));
      signal?.addEventListener('abort', finish, { once: true });
      this.#wake = finish;
    });
  }

  close(): void {
    this.#unsubscribe();
    this.#wake?.();
  }
}
