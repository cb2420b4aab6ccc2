/**
 * Time, injected everywhere so tests can freeze and move it instead of
 * sleeping. A clock also owns the timers that wait on its time (how long a
 * long-poll is held, when a stream notices that its code expired), so that a
 * test which moves the clock fires them, and no real second can.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Calls `fn` once `ms` of this clock's time have passed; the result cancels it. */
  setTimer(fn: () => void, ms: number): () => void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(fn, ms) {
    const t = setTimeout(fn, ms);
    return () => clearTimeout(t);
  },
};

interface ManualTimer {
  at: number;
  seq: number;
  fn: () => void;
}

/** A clock that only moves when told to; its timers fire as `advance` or `set` passes them. For tests and simulations. */
export class ManualClock implements Clock {
  #now: number;
  #timers: ManualTimer[] = [];
  #seq = 0;

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimer(fn: () => void, ms: number): () => void {
    const timer: ManualTimer = { at: this.#now + Math.max(0, ms), seq: this.#seq++, fn };
    this.#timers.push(timer);
    // Due already (no time has to pass): it fires in the next turn, as setTimeout(fn, 0) would.
    if (ms <= 0) setImmediate(() => this.set(this.#now));
    return () => {
      this.#timers = this.#timers.filter((t) => t !== timer);
    };
  }

  /** Timers waiting on this clock (for tests that check nothing is left behind). */
  get pendingTimers(): number {
    return this.#timers.length;
  }

  advance(ms: number): void {
    this.set(this.#now + ms);
  }

  /** Moves to `ms`; each timer due by then fires in order, with the clock showing its due time. */
  set(ms: number): void {
    for (;;) {
      const due = this.#timers.filter((t) => t.at <= ms).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.#timers = this.#timers.filter((t) => t !== due);
      this.#now = Math.max(this.#now, due.at);
      due.fn();
    }
    this.#now = ms;
  }
}
