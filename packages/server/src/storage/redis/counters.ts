import type { CounterState, CounterStore } from '../../domain/ports.js';
import { guard } from './connection.js';
import type { KeySpace } from './keys.js';
import type { ScriptedRedis } from './scripts.js';

/**
 * Fixed-window counters, shared by every instance so limits hold across them.
 * A window is one hash {count, resetAt}; whether it is still running is
 * decided from the caller's `now` and the stored `resetAt`, as in SQLite. The
 * key expires a grace period after its window so idle counters vanish.
 */
export class RedisCounters implements CounterStore {
  constructor(
    private readonly redis: ScriptedRedis,
    private readonly keys: KeySpace,
    private readonly graceMs: number,
  ) {}

  async increment(key: string, windowMs: number, now: number): Promise<CounterState> {
    const reply = await guard(() =>
      this.redis.scanloginIncrementCounter(
        this.keys.counter(key),
        now,
        String(now + windowMs),
        Math.max(1, Math.ceil(windowMs + this.graceMs)),
      ),
    );
    const [count, resetAt] = reply as [number, string];
    return { count: Number(count), resetAt: Number(resetAt) };
  }

  async get(key: string, now: number): Promise<CounterState | null> {
    const [count, resetAt] = await guard(() => this.redis.hmget(this.keys.counter(key), 'count', 'resetAt'));
    if (count == null || resetAt == null || !(Number(resetAt) > now)) return null;
    return { count: Number(count), resetAt: Number(resetAt) };
  }

  async reset(key: string): Promise<void> {
    await guard(() => this.redis.del(this.keys.counter(key)));
  }
}
