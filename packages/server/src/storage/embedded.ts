import { composeStorage } from './compose.js';
import type { Storage } from './contracts.js';
import { MemoryCounters } from './memory-counters.js';
import { SqliteStorage } from './sqlite/index.js';

/**
 * The embedded default: everything in one SQLite file, except the throttling
 * counters, which stay in memory (see MemoryCounters for why that is safe).
 */
export function openEmbeddedStorage(file: string): Storage {
  const sqlite = new SqliteStorage(file);
  return composeStorage(sqlite, {
    sessions: sqlite.sessions,
    events: sqlite.events,
    counters: new MemoryCounters(),
    ping: async () => {},
    close: async () => {},
  });
}
