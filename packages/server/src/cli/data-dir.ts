import { chmodSync, mkdirSync, statSync } from 'node:fs';
import { ConfigError } from '../config/load.js';

/**
 * Makes sure a directory that holds the service's data (the database, its
 * keys, the TLS key) is the owner's alone: created with mode 0700, or an
 * existing one with a looser mode (0755, 0777...) tightened to 0700, saying
 * so. If it cannot be tightened (another user owns it), the start is refused
 * with what to do; a database readable by others is never used silently.
 */
export function secureDataDirectory(
  dir: string,
  setting: string,
  warn: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): void {
  let mode: number;
  try {
    const st = statSync(dir);
    if (!st.isDirectory()) throw new ConfigError([`${setting} ${dir} is not a directory.`]);
    mode = st.mode & 0o777;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    return;
  }
  if ((mode & 0o077) === 0) return;
  const was = `0${mode.toString(8)}`;
  try {
    chmodSync(dir, 0o700);
  } catch {
    throw new ConfigError([
      `${setting} ${dir} has mode ${was}: other users could read the database and keys, and it could ` +
        `not be changed. Run: chmod 700 ${dir} (as its owner), or choose another directory.`,
    ]);
  }
  warn(`scanlogin: ${setting} ${dir} had mode ${was}; changed to 0700 (it holds the database and keys).`);
}
