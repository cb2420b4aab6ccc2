import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError } from '../config/load.js';

/**
 * Claims the embedded database file for this server process, through a
 * `<file>.lock` holding its pid. The embedded mode keeps some state to itself
 * (waiting codes, throttling counters, status events), so a second server on
 * the same file would serve pages that never hear of the first one's scans:
 * it is refused at start instead. A lock left by a process that no longer
 * exists (a crash, a kill -9) is taken over. Returns the release function.
 */
export function claimDatabaseFile(file: string): () => void {
  const lock = `${file}.lock`;
  const mine = `${process.pid}\n`;
  // The first start claims the file before SQLite has created its directory.
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(lock, mine, { flag: 'wx', mode: 0o600 });
      return () => {
        try {
          if (readFileSync(lock, 'utf8') === mine) unlinkSync(lock);
        } catch {
          // already gone
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw err;
      const pid = Number.parseInt(readFileSync(lock, 'utf8'), 10);
      if (Number.isInteger(pid) && pid > 0 && isRunning(pid)) {
        throw new ConfigError([
          `DATABASE_FILE ${file} is in use by another scanlogin server (pid ${pid}). Stop it, give this ` +
            'one its own DATA_DIR, or run several instances on PostgreSQL + Redis (docs/deployment.md).',
        ]);
      }
      unlinkSync(lock); // its process is gone
    }
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // alive, owned by someone else
  }
}
