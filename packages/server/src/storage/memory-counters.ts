import type { CounterState, CounterStore } from '../domain/ports.js';

/**
 * Throttling counters in this process's memory: the embedded mode's choice.
 * One instance owns its SQLite file, so nobody else needs these counts, and
 * keeping them off the disk takes a write transaction off every status poll
 * and code creation (the hottest paths). The price: a restart forgets the
 * current windows, which at worst grants an attacker one fresh window. Several
 * instances use Redis instead (`REDIS_URL`).
 */
export class MemoryCounters implements CounterStore {
  readonly #windows = new Map<string, CounterState>();
  /** Past this many keys, ended windows are swept before a new key is added. */
  readonly #sweepAbove: number;

  constructor(sweepAbove = 100_000) {
    this.#sweepAbove = sweepAbove;
  }

  async increment(key: string, windowMs: number, now: number): Promise<CounterState> {
    const current = this.#windows.get(key);
    if (current && current.resetAt > now) {
      current.count += 1;
      return { count: current.count, resetAt: current.resetAt };
    }
    if (!current && this.#windows.size >= this.#sweepAbove) this.#sweep(now);
    const fresh = { count: 1, resetAt: now + windowMs };
    this.#windows.set(key, fresh);
    return { ...fresh };
  }

  async get(key: string, now: number): Promise<CounterState | null> {
    const current = this.#windows.get(key);
    return current && current.resetAt > now ? { ...current } : null;
  }

  async reset(key: string): Promise<void> {
    this.#windows.delete(key);
  }

  /** Number of keys held (ended windows included until the next sweep). */
  get size(): number {
    return this.#windows.size;
  }

  #sweep(now: number): void {
    for (const [key, state] of this.#windows) if (state.resetAt <= now) this.#windows.delete(key);
  }
}
