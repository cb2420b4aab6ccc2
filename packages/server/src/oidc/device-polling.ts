import { createHash } from 'node:crypto';
import type { Clock } from '../domain/clock.js';
import type { CounterStore } from '../domain/ports.js';

/**
 * RFC 8628 §3.5 pacing of the device's token polls: at most one poll per
 * `interval` seconds for a pending code; a poll that comes sooner is answered
 * `slow_down`, and from then on the interval is 5 s longer for that code (for
 * every later poll, counted from the one that was refused). oidc-provider
 * 9.x answers `authorization_pending` to any rate, so this is ours.
 *
 * State lives in the shared counter store (Redis in a cluster), so the pace
 * holds whichever instance a poll reaches, and time is the service's clock.
 * Per code: a counter of the slow-downs so far (its level), and one window per
 * level that opens at an accepted poll (or at the refusal) and lasts the
 * level's interval. A poll is accepted only if it opens that window.
 */
export class DevicePolling {
  constructor(
    private readonly counters: CounterStore,
    private readonly clock: Clock,
    /** Seconds between polls announced in the device authorization answer (`interval`). */
    readonly intervalSeconds: number,
    /** How long the per-code state is kept (at least a device code's lifetime), ms. */
    private readonly keepMs: number,
  ) {}

  /** The interval (s) a code must keep now. */
  async currentInterval(deviceCode: string): Promise<number> {
    const level = (await this.counters.get(this.#levelKey(deviceCode), this.clock.now()))?.count ?? 0;
    return this.intervalSeconds + 5 * level;
  }

  /** Counts one poll of a pending code; false when it came too soon (answer `slow_down`). */
  async admit(deviceCode: string): Promise<boolean> {
    const now = this.clock.now();
    const base = this.#key(deviceCode);
    const level = (await this.counters.get(this.#levelKey(deviceCode), now))?.count ?? 0;
    const { count } = await this.counters.increment(`${base}:${level}`, this.#intervalMs(level), now);
    if (count === 1) return true;
    const { count: next } = await this.counters.increment(this.#levelKey(deviceCode), this.keepMs, now);
    // The longer wait starts at this refused poll.
    await this.counters.increment(`${base}:${next}`, this.#intervalMs(next), now);
    return false;
  }

  #intervalMs(level: number): number {
    return (this.intervalSeconds + 5 * level) * 1000;
  }

  /** Device codes are bearer secrets: the counter keys carry a digest, never the code. */
  #key(deviceCode: string): string {
    return `oidc:poll:${createHash('sha256').update(deviceCode).digest('base64url').slice(0, 27)}`;
  }

  #levelKey(deviceCode: string): string {
    return `${this.#key(deviceCode)}:level`;
  }
}
