/**
 * Instances of the service as separate processes (`scanlogin serve`, the
 * command operators run), for the multi-instance and fault tests: each on its
 * own port of 127.0.0.1, all on the same PostgreSQL and Redis.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as pause } from 'node:timers/promises';
import { freePort } from '../helpers.js';
import { LineLog } from './signals.js';

const ROOT = new URL('../../../../', import.meta.url).pathname;
const MAIN = join(ROOT, 'packages/server/src/cli/main.ts');

export interface Instance {
  name: string;
  url: string;
  /** What the process wrote (stdout and stderr), for failure messages. */
  output(): string;
  /** Its stderr, line by line (the storage adapters report lost and restored connections there). */
  stderr: LineLog;
  /**
   * The first stderr line (from index `from`, see `stderr.mark()`) containing
   * `text`, already written or still to come; fails if the process exits first.
   */
  untilStderr(text: string, from?: number): Promise<string>;
  /** Ends the process abruptly (a crash, an OOM kill): no draining. */
  kill(): Promise<void>;
  /** SIGTERM: drains and exits. */
  stop(): Promise<void>;
  exited: Promise<number | null>;
  /** Whether the process is still running (`exited` resolves once it ended and its output is all read). */
  running(): boolean;
}

/** Limits high enough that tests measure behaviour, not throttling. */
export const CLUSTER_LIMITS = {
  RATE_GENE_PER_IP: '100000',
  RATE_GENE_PER_APP: '100000',
  RATE_CHECK_PER_CODE: '100000',
  RATE_APP_PER_USER: '100000',
  RATE_LOGIN_PER_IP: '100000',
};

/**
 * Asks `check` again and again until it says yes, with a short pause between
 * tries so as not to hog the CPU the instances need. There is no deadline:
 * the pause is how often to ask, never how long to wait, and a slow machine
 * only makes the wait longer. It ends early, failing, if an instance it
 * depends on exits (a crash is a failure, reported with the output).
 */
export async function pollUntil(
  what: string,
  check: () => Promise<boolean>,
  instances: Pick<Instance, 'name' | 'output' | 'exited'>[] = [],
): Promise<void> {
  let dead: (typeof instances)[number] | null = null;
  const anyExit = Promise.race(
    instances.map((i) =>
      i.exited.then(() => {
        dead = i;
      }),
    ),
  );
  for (;;) {
    // A check that hangs (a port someone else answers on) must not outlive the instance.
    const yes = await Promise.race([check(), anyExit.then(() => false)]);
    if (dead) {
      const { name, output } = dead as (typeof instances)[number];
      throw new Error(`${name} exited while waiting until ${what}:\n${output()}`);
    }
    if (yes) return;
    await Promise.race([pause(50), anyExit]);
  }
}

/** Until GET /health answers 200 (storage reachable); fails if the process exits first. */
export async function untilHealthy(i: Pick<Instance, 'name' | 'url' | 'output' | 'exited'>): Promise<void> {
  await pollUntil(`${i.name} is healthy`, async () => {
    try {
      return (await fetch(`${i.url}/health`)).status === 200;
    } catch {
      return false; // not listening yet
    }
  }, [i]);
}

export async function startInstance(name: string, env: Record<string, string>): Promise<Instance> {
  for (;;) {
    const instance = launch(name, await freePort(), env);
    try {
      // Started once /health says so: the port opens after storage, and /health waits for the seeding.
      await untilHealthy(instance);
      return instance;
    } catch (err) {
      if (instance.running()) throw err;
      await instance.exited; // all its output is in once its streams have closed
      // The port was free when picked; on a busy machine something else may have taken it since.
      if (instance.output().includes('the port is in use')) continue;
      throw new Error(`${name} exited during start:\n${instance.output()}`, { cause: err });
    }
  }
}

function launch(name: string, port: number, env: Record<string, string>): Instance {
  const dataDir = mkdtempSync(join(tmpdir(), `scanlogin-${name}-`));
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', MAIN, 'serve'], {
    cwd: ROOT,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      // No client-side storage timeouts: under load, a call waiting for a pooled
      // connection or a reply must not become a 503 because the machine is slow.
      STORAGE_TIMEOUT: '0',
      ...CLUSTER_LIMITS,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const stderr = new LineLog();
  child.stdout?.setEncoding('utf8');
  child.stderr?.setEncoding('utf8');
  child.stdout?.on('data', (d: string) => {
    output += d;
  });
  child.stderr?.on('data', (d: string) => {
    output += d;
    stderr.feed(d);
  });
  // 'close' rather than 'exit': by then everything it wrote has been read.
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const cleanup = () => rmSync(dataDir, { recursive: true, force: true });
  exited.then(cleanup);
  process.once('exit', () => child.kill('SIGKILL'));

  const instance: Instance = {
    name,
    url: `http://127.0.0.1:${port}`,
    output: () => output,
    stderr,
    exited,
    running: () => child.exitCode === null && child.signalCode === null,
    untilStderr: (text, from = 0) =>
      Promise.race([
        stderr.untilIncludes(text, from),
        exited.then((code) => {
          throw new Error(`${name} exited (${code}) before writing "${text}":\n${output}`);
        }),
      ]),
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
  return instance;
}
