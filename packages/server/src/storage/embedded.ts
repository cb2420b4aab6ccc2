import { composeStorage } from './compose.js';
import type { Storage } from './contracts.js';
import { MemoryCounters } from './memory-counters.js';
import { SqliteStorage } from './sqlite/index.js';
import { WaitingCodesMirror } from './waiting-codes.js';

/**
 * The embedded default: everything in one SQLite file, its log written back
 * by a worker thread (see WalCheckpointer). This process owns the file, which
 * allows two things in memory: the throttling counters (see MemoryCounters)
 * and which codes are still waiting (see WaitingCodesMirror).
 */
export function openEmbeddedStorage(file: string): Storage {
  const sqlite = new SqliteStorage(file, { backgroundCheckpoints: true });
  return composeStorage(sqlite, {
    sessions: new WaitingCodesMirror(sqlite.sessions),
    events: sqlite.events,
    counters: new MemoryCounters(),
    oidc: sqlite.oidc,
    ping: async () => {},
    close: async () => {},
  });
}
