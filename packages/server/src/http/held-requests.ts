import { fail } from '../domain/errors.js';
import { detail } from '../domain/messages.js';

/** Seconds a refused client is told to wait: a held request lasts up to 30 s, a stream longer. */
const RETRY_AFTER_S = 10;

/**
 * Counts the requests this process holds open per client address (status
 * streams and long-polls), so that one address cannot pin an unbounded number
 * of connections and subscriptions. In this process only: connections are
 * held by the instance that accepted them, so that is where they cost.
 */
/** What is held: a status stream (SSE) or a long-poll. */
export type HeldKind = 'event_stream' | 'long_poll';

export class HeldRequests {
  readonly #byIp = new Map<string, number>();
  readonly #byKind: Record<HeldKind, number> = { event_stream: 0, long_poll: 0 };

  constructor(readonly maxPerIp: number) {}

  /** How many `ip` holds now. */
  count(ip: string): number {
    return this.#byIp.get(ip) ?? 0;
  }

  /** How many of `kind` this process holds now, all addresses together (for metrics). */
  total(kind: HeldKind): number {
    return this.#byKind[kind];
  }

  /**
   * Takes one of `ip`'s places, or refuses with 429 when it holds them all.
   * The result gives the place back; calling it more than once is harmless.
   */
  acquire(ip: string, kind: HeldKind): () => void {
    const held = this.count(ip);
    if (held >= this.maxPerIp) {
      fail('RATE_LIMITED', detail('tooManyHeld', { held, seconds: RETRY_AFTER_S }), {
        'retry-after': String(RETRY_AFTER_S),
      });
    }
    this.#byIp.set(ip, held + 1);
    this.#byKind[kind]++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#byKind[kind]--;
      const left = this.count(ip) - 1;
      if (left > 0) this.#byIp.set(ip, left);
      else this.#byIp.delete(ip);
    };
  }
}
