import type { Clock } from './clock.js';
import { fail } from './errors.js';
import { type Detail, detail } from './messages.js';

export interface CounterState {
  count: number;
  /** When the current window ends and the counter resets. */
  resetAt: number;
}

/** Fixed-window counters for throttling; shared so limits hold across instances. */
export interface CounterStore {
  /** Adds one and returns the state; a new window starts if the old one ended. */
  increment(key: string, windowMs: number, now: number): Promise<CounterState>;
  get(key: string, now: number): Promise<CounterState | null>;
  reset(key: string): Promise<void>;
}

/**
 * Fixed-window limits over the shared counter store, so a limit holds across
 * every instance that shares it. Over the limit, the caller gets 429 with
 * Retry-After: the end of the window (RFC 8628's `slow_down`, said in HTTP).
 */
export class RateLimiter {
  constructor(
    private readonly counters: CounterStore,
    private readonly clock: Clock,
  ) {}

  /** Counts one hit on `key`; throws RATE_LIMITED once more than `max` fall in the window. */
  async hit(key: string, max: number, windowMs: number, why?: Detail): Promise<void> {
    const now = this.clock.now();
    const { count, resetAt } = await this.counters.increment(`rl:${key}`, windowMs, now);
    if (count > max) {
      const retryAfter = Math.max(1, Math.ceil((resetAt - now) / 1000));
      fail('RATE_LIMITED', why ?? detail('retryIn', { seconds: retryAfter }), {
        'retry-after': String(retryAfter),
      });
    }
  }
}
