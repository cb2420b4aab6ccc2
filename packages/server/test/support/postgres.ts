/**
 * A throwaway PostgreSQL server for tests: its own data directory under the
 * system temp dir, 127.0.0.1 on a free port, trust authentication, fsync off,
 * running in the foreground as a child process (ready when it says so).
 * Uses the Debian packages' binaries (/usr/lib/postgresql/N/bin). As root it
 * runs them as the `postgres` user, since initdb and postgres refuse root.
 */
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { deferred } from './signals.js';

const run = promisify(execFile);

/**
 * `openPostgres` settings for tests that are not about timeouts: no limit on
 * waiting for a connection or an answer (0 means none), so a slow or busy
 * machine can never turn into a failure. In the outage tests it also makes the
 * evidence sharp: with no timer able to fire, a call that fails can only have
 * found the connection refused or broken.
 */
export const UNHURRIED_POSTGRES = { connectionTimeoutMillis: 0, queryTimeoutMillis: 0 } as const;

export interface TestPostgres {
  /** Connection URL of the `postgres` database, as the `postgres` superuser. */
  url: string;
  /** URL of another database on the same server. */
  urlOf(database: string): string;
  /** Creates an empty database with a unique name and returns its URL. */
  createDatabase(): Promise<string>;
  /** Stops the server (fast shutdown: clients are disconnected); the data stays. */
  stopServer(): Promise<void>;
  /** Starts it again on the same data directory and port. */
  startServerAgain(): Promise<void>;
  /**
   * Freezes every server process (SIGSTOP): connections stay open but nothing
   * answers, like a server behind a dropped network link.
   */
  pause(): void;
  /** Lets a paused server go on. */
  resume(): void;
  /** Stops the server and deletes its data directory. */
  stop(): Promise<void>;
}

const INSTALL_HINT =
  'PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin. Install them with: ' +
  'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql';

/** The newest installed server's bin directory. */
function findBinDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) throw new Error(INSTALL_HINT);
  return join(root, versions[0]!, 'bin');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

// Servers of this process that are still running, stopped synchronously if the process ends first.
const running = new Map<string, () => void>();
let exitHooked = false;

function hookExit(): void {
  if (exitHooked) return;
  exitHooked = true;
  const cleanupAll = () => {
    for (const cleanup of running.values()) cleanup();
    running.clear();
  };
  process.on('exit', cleanupAll);
  // A signal's default action skips 'exit' handlers: clean up, then die of the same signal.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      cleanupAll();
      process.kill(process.pid, signal);
    });
  }
}

/** Starts a fresh server. Call `stop()` when done (an exit hook and a watchdog also clean up). */
export async function startPostgres(): Promise<TestPostgres> {
  const bin = findBinDir();
  const dir = mkdtempSync(join(tmpdir(), 'scanlogin-pg-'));
  const dataDir = join(dir, 'data');
  // initdb and postgres refuse to run as root: as root, run them as the
  // `postgres` user (set on the process itself, so the server is our direct
  // child: no wrapper in between to forward signals or stop with it).
  let as: { uid?: number; gid?: number; cwd: string } = { cwd: dir };
  try {
    if (process.getuid?.() === 0) {
      const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
      const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
      chownSync(dir, uid, gid);
      as = { uid, gid, cwd: dir };
    }
    await run(
      join(bin, 'initdb'),
      ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-locale'],
      as,
    );
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }

  let port = await freePort();
  const urlOf = (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;

  // The server runs in the foreground as a child of this process, logging to
  // its stderr. Readiness is an event: the line saying it accepts
  // connections. Its exit before that line is a failure, reported with its log.
  // No deadline: a slow machine only makes the wait longer.
  let server: { proc: ChildProcess; exited: Promise<void> } | null = null;
  const startServer = async () => {
    const proc = spawn(
      join(bin, 'postgres'),
      [
        '-D',
        dataDir,
        // Unix socket in the data dir: the system one may not be writable, and is not needed.
        '-k',
        dataDir,
        '-p',
        String(port),
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'fsync=off',
        '-c',
        'full_page_writes=off',
        // The readiness line must reach stderr (not a log file), in a language it can be matched in.
        '-c',
        'logging_collector=off',
        '-c',
        'lc_messages=C',
      ],
      { ...as, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let log = '';
    const ready = deferred();
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.stderr?.setEncoding('utf8');
    proc.stderr?.on('data', (chunk: string) => {
      log = (log + chunk).slice(-8000);
      if (log.includes('database system is ready to accept connections')) ready.resolve();
    });
    proc.once('error', ready.reject);
    void exited.then(() => ready.reject(new Error('PostgreSQL exited at startup')));
    server = { proc, exited };
    try {
      await ready.promise;
      // The server says so; this also proves a TCP client gets through.
      await connectOnce(urlOf('postgres'));
    } catch (err) {
      server = null;
      if (proc.exitCode === null && proc.signalCode === null) {
        try {
          signalPostmaster(dataDir, 'SIGQUIT');
        } catch {
          proc.kill('SIGKILL'); // no postmaster.pid yet
        }
        await exited;
      }
      throw new Error(`${err instanceof Error ? err.message : String(err)}; its log:\n${log}`, {
        cause: err,
      });
    }
  };
  /** Asks the postmaster for a shutdown (`SIGINT`: fast, `SIGQUIT`: immediate) and waits until it is gone. */
  const shutDown = async (signal: 'SIGINT' | 'SIGQUIT') => {
    const current = server;
    if (!current) return;
    server = null;
    if (current.proc.exitCode === null && current.proc.signalCode === null) {
      signalServer(dataDir, 'SIGCONT'); // a paused server would hold the signal below
      signalPostmaster(dataDir, signal);
    }
    await current.exited;
  };
  const stopServer = () => shutDown('SIGINT');

  // Last resort if this process dies before cleaning up (even SIGKILL): a
  // detached shell waits for it to go, then stops the server and removes the dir.
  const watchdog = spawnWatchdog(dataDir, dir);
  const cleanupSync = () => {
    try {
      signalServer(dataDir, 'SIGCONT'); // a paused server would hold the signal below
      signalServer(dataDir, 'SIGQUIT'); // immediate shutdown
    } catch {}
    watchdog.kill();
    rmSync(dir, { recursive: true, force: true });
  };
  running.set(dir, cleanupSync);
  hookExit();

  for (;;) {
    try {
      await startServer();
      break;
    } catch (err) {
      // The port was free when picked; on a busy machine something else may have
      // taken it since. A first start moves to another one (a restart cannot).
      if (err instanceof Error && err.message.includes('Address already in use')) {
        port = await freePort();
        continue;
      }
      running.delete(dir);
      cleanupSync();
      throw err;
    }
  }
  const url = urlOf('postgres');

  let counter = 0;
  return {
    url,
    urlOf,
    async createDatabase() {
      const name = `test_${process.pid}_${++counter}`;
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return urlOf(name);
    },
    stopServer,
    startServerAgain: startServer,
    pause: () => signalServer(dataDir, 'SIGSTOP'),
    resume: () => signalServer(dataDir, 'SIGCONT'),
    async stop() {
      if (!running.delete(dir)) return;
      await shutDown('SIGQUIT');
      watchdog.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function postmasterPid(dataDir: string): number | null {
  try {
    const pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function signalPostmaster(dataDir: string, signal: NodeJS.Signals): void {
  const pid = postmasterPid(dataDir);
  if (!pid) throw new Error('the PostgreSQL server is not running');
  process.kill(pid, signal);
}

/** Sends a signal to the postmaster and each of its child processes (backends, checkpointer...). */
function signalServer(dataDir: string, signal: NodeJS.Signals): void {
  const pid = postmasterPid(dataDir);
  if (!pid) throw new Error('the PostgreSQL server is not running');
  const children = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      try {
        // The parent pid is the 4th field of /proc/PID/stat, after "pid (comm) state".
        const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
      } catch {
        return false; // gone meanwhile
      }
    })
    .map(Number);
  for (const p of [pid, ...children]) {
    try {
      process.kill(p, signal);
    } catch {}
  }
}

function spawnWatchdog(dataDir: string, dir: string): ChildProcess {
  const script = `
    while kill -0 "$1" 2>/dev/null; do sleep 1; done
    if [ -f "$2/postmaster.pid" ]; then
      pid=$(head -n 1 "$2/postmaster.pid"); kill -CONT "$pid"; kill -QUIT "$pid"; sleep 1
    fi
    rm -rf "$3"`;
  const child = spawn('sh', ['-c', script, 'pg-watchdog', String(process.pid), dataDir, dir], {
    detached: true,
    stdio: 'ignore',
  });
  child.unref();
  return child;
}

/** One connection and one query, with no time limit: the server has said it is ready. */
async function connectOnce(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
  } finally {
    await client.end().catch(() => {});
  }
}
