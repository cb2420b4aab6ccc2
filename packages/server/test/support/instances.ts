/**
 * Instances of the service as separate processes (`scanlogin serve`, the
 * command operators run), for the multi-instance and fault tests: each on its
 * own port of 127.0.0.1, all on the same PostgreSQL and Redis.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../helpers.js';

const ROOT = new URL('../../../../', import.meta.url).pathname;
const MAIN = join(ROOT, 'packages/server/src/cli/main.ts');

export interface Instance {
  name: string;
  url: string;
  /** What the process wrote (stdout and stderr), for failure messages. */
  output(): string;
  /** Ends the process abruptly (a crash, an OOM kill): no draining. */
  kill(): Promise<void>;
  /** SIGTERM: drains and exits. */
  stop(): Promise<void>;
  exited: Promise<number | null>;
}

/** Limits high enough that tests measure behaviour, not throttling. */
export const CLUSTER_LIMITS = {
  RATE_GENE_PER_IP: '100000',
  RATE_GENE_PER_APP: '100000',
  RATE_CHECK_PER_CODE: '100000',
  RATE_APP_PER_USER: '100000',
  RATE_LOGIN_PER_IP: '100000',
};

export async function startInstance(name: string, env: Record<string, string>): Promise<Instance> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), `scanlogin-${name}-`));
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', MAIN, 'serve'], {
    cwd: ROOT,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      ...CLUSTER_LIMITS,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d) => {
    output += d;
  });
  child.stderr?.on('data', (d) => {
    output += d;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const cleanup = () => rmSync(dataDir, { recursive: true, force: true });
  exited.then(cleanup);
  process.once('exit', () => child.kill('SIGKILL'));

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited during start:\n${output}`);
    try {
      if ((await fetch(`${url}/health`)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} did not become healthy:\n${output}`);
    }
    await sleep(100);
  }
  return {
    name,
    url,
    output: () => output,
    exited,
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
