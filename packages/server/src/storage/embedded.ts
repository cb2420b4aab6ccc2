import type { Storage } from '../domain/ports.js';
import { composeStorage, type HotStores } from './compose.js';
import { MemoryCounters } from './memory-counters.js';
import { SqliteStorage } from './sqlite/index.js';
import { WaitingCodesMirror } from './waiting-codes.js';

/**
 * The hot half that goes with a SQLite file owned by this process: its QR
 * sessions (seen through the WaitingCodesMirror when `mirror` is on), its
 * in-process events, and throttling counters in memory (see MemoryCounters).
 */
export function embeddedHotStores(sqlite: SqliteStorage, opts: { mirror?: boolean } = {}): HotStores {
  return {
    sessions: opts.mirror ? new WaitingCodesMirror(sqlite.sessions) : sqlite.sessions,
    events: sqlite.events,
    counters: new MemoryCounters(),
    // The same store as the durable half's: one file keeps every kind of the provider's artifacts.
    oidc: sqlite.oidc,
    ping: async () => {},
    close: async () => {},
  };
}

/**
 * The embedded default: everything in one SQLite file, its log written back
 * by a worker thread (see WalCheckpointer). This process owns the file, which
 * allows two things in memory: the throttling counters (see MemoryCounters)
 * and which codes are still waiting (see WaitingCodesMirror).
 */
export function openEmbeddedStorage(file: string): Storage {
  const sqlite = new SqliteStorage(file, { backgroundCheckpoints: true });
  return composeStorage(sqlite, embeddedHotStores(sqlite, { mirror: true }));
}
