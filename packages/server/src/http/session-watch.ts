import type { QrSessionRecord, SessionEvents } from '../storage/contracts.js';

/**
 * Subscribes to one code's changes *before* its state is read, so a change
 * landing between the read and the wait is not lost: `next()` resolves at
 * once if something was published since the watch began.
 */
export class SessionWatch {
  #pending: QrSessionRecord | null = null;
  #wake: (() => void) | null = null;
  readonly #unsubscribe: () => void;

  constructor(events: SessionEvents, random: string) {
    this.#unsubscribe = events.subscribe(random, (session) => {
      this.#pending = session;
      this.#wake?.();
    });
  }

  /** The next published state, or null after `timeoutMs` or when `signal` aborts. */
  next(timeoutMs: number, signal?: AbortSignal): Promise<QrSessionRecord | null> {
    if (this.#pending) {
      const s = this.#pending;
      this.#pending = null;
      return Promise.resolve(s);
    }
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', finish);
        this.#wake = null;
        const s = this.#pending;
        this.#pending = null;
        resolve(s);
      };
      const timer = setTimeout(finish, Math.max(0, timeoutMs));
      signal?.addEventListener('abort', finish, { once: true });
      this.#wake = finish;
    });
  }

  close(): void {
    this.#unsubscribe();
    this.#wake?.();
  }
}
