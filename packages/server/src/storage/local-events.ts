import type { QrSessionRecord, SessionEvents, SessionListener } from '../domain/ports.js';

/** Pub/sub inside one process: enough when one instance serves everything. */
export class LocalSessionEvents implements SessionEvents {
  readonly #listeners = new Map<string, Set<SessionListener>>();

  publish(session: QrSessionRecord): void {
    const set = this.#listeners.get(session.random);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        listener(session);
      } catch {
        // A listener's failure must not stop the others or the writer.
      }
    }
  }

  subscribe(random: string, listener: SessionListener): () => void {
    let set = this.#listeners.get(random);
    if (!set) {
      set = new Set();
      this.#listeners.set(random, set);
    }
    set.add(listener);
    return () => {
      const current = this.#listeners.get(random);
      if (!current) return;
      current.delete(listener);
      if (current.size === 0) this.#listeners.delete(random);
    };
  }

  /** Whether anybody here waits on this code (lets a relay skip messages nobody needs). */
  isWatched(random: string): boolean {
    return this.#listeners.has(random);
  }

  /** Number of codes somebody is waiting on (for tests and metrics). */
  get watchedCount(): number {
    return this.#listeners.size;
  }
}
