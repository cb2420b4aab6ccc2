/**
 * A throwaway Redis server for tests: `redis-server` as a child process (not
 * daemonized) on a free port of 127.0.0.1, without persistence. It is killed
 * when the test process exits. `stopServer`/`startServerAgain` take it down and
 * bring it back on the same port, for fault tests.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { type AddressInfo, connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface TestRedis {
  /** `redis://127.0.0.1:<port>` */
  url: string;
  /** Stops the server for good and cleans up. */
  stop(): Promise<void>;
  /** Stops the server, keeping its port for `startServerAgain`. */
  stopServer(): Promise<void>;
  /** Starts an empty server on the same port; resolves when it answers PING. */
  startServerAgain(): Promise<void>;
}

const STARTUP_MS = 10_000;

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

/** One PING over a raw socket; true if the server answered PONG. */
function pingOnce(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket: Socket = connect({ host: '127.0.0.1', port });
    let reply = '';
    const finish = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => finish(false));
    socket.once('error', () => finish(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) finish(reply.startsWith('+PONG'));
    });
  });
}

export async function startRedis(): Promise<TestRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'scanlogin-redis-'));
  let child: ChildProcess | null = null;

  const killNow = () => {
    child?.kill('SIGKILL');
  };
  // Also on a signal: kill the server, then let the signal do what it would have.
  const onSignal = (signal: NodeJS.Signals) => {
    killNow();
    process.kill(process.pid, signal);
  };
  process.on('exit', killNow);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const launch = async () => {
    const proc = spawn(
      'redis-server',
      ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--dir', dir],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child = proc;
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-4000);
    };
    proc.stdout?.on('data', keep);
    proc.stderr?.on('data', keep);
    let spawnError: NodeJS.ErrnoException | null = null;
    proc.once('error', (err) => {
      spawnError = err;
    });

    const deadline = Date.now() + STARTUP_MS;
    while (Date.now() < deadline) {
      if (spawnError) {
        child = null;
        const err: NodeJS.ErrnoException = spawnError;
        throw err.code === 'ENOENT'
          ? new Error('redis-server is not installed: apt-get install redis-server')
          : err;
      }
      if (proc.exitCode !== null || proc.signalCode !== null) {
        child = null;
        throw new Error(`redis-server exited at startup:\n${output}`);
      }
      if (await pingOnce(port)) return;
      await sleep(25);
    }
    killNow();
    throw new Error(`redis-server did not answer PING within ${STARTUP_MS} ms:\n${output}`);
  };

  const stopServer = async () => {
    const proc = child;
    if (!proc) return;
    child = null;
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  };

  const forget = () => {
    process.off('exit', killNow);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    await launch();
  } catch (err) {
    forget();
    throw err;
  }

  return {
    url: `redis://127.0.0.1:${port}`,
    stopServer,
    startServerAgain: launch,
    async stop() {
      await stopServer();
      forget();
    },
  };
}
