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
import { deferred } from './signals.js';

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

/**
 * `openRedis` settings for tests that are not about timeouts: no limit (0) on a
 * connection attempt, a command or the first connection, so a slow or busy
 * machine can never turn into a failure. The outage tests rely on it too: with
 * no timer able to fire, a call that fails can only have been refused.
 */
export const UNHURRIED_REDIS = {
  connectTimeoutMs: 0,
  commandTimeoutMs: 0,
  startupTimeoutMs: 0,
} as const;

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

/** One PING over a raw socket; resolves with the first line of the answer, rejects if the connection fails. */
function ping(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect({ host: '127.0.0.1', port });
    let reply = '';
    socket.once('error', reject);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      const end = reply.indexOf('\r\n');
      if (end < 0) return;
      socket.destroy();
      resolve(reply.slice(0, end));
    });
    socket.once('close', () => reject(new Error(`the connection closed after ${JSON.stringify(reply)}`)));
  });
}

export async function startRedis(): Promise<TestRedis> {
  let port = await freePort();
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
      [
        '--bind',
        '127.0.0.1',
        '--port',
        String(port),
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
        // The "ready" line below is logged at this level.
        '--loglevel',
        'notice',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child = proc;
    let output = '';
    // Readiness is an event: the server logs that it accepts connections
    // (Redis 7.0: "Ready to accept connections", 7.2: "... tcp"). Its exit
    // before that line is a failure to report with what it printed.
    const ready = deferred();
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-4000);
      if (output.includes('Ready to accept connections')) ready.resolve();
    };
    proc.stdout?.on('data', keep);
    proc.stderr?.on('data', keep);
    proc.once('error', (err: NodeJS.ErrnoException) =>
      ready.reject(
        err.code === 'ENOENT'
          ? new Error('redis-server is not installed: apt-get install redis-server')
          : err,
      ),
    );
    proc.once('exit', () => ready.reject(new Error(`redis-server exited at startup:\n${output}`)));
    try {
      await ready.promise;
      // The port is ours: a server that could not bind it would have exited instead.
      const answer = await ping(port);
      if (answer !== '+PONG') throw new Error(`redis-server answered PING with ${answer}`);
    } catch (err) {
      killNow();
      child = null;
      throw err instanceof Error && !err.message.includes(output)
        ? new Error(`${err.message}\n${output}`)
        : err;
    }
  };

  const stopServer = async () => {
    const proc = child;
    if (!proc) return;
    child = null;
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    // Without persistence redis-server ends at once on SIGTERM, closing its clients' connections.
    proc.kill('SIGTERM');
    await exited;
  };

  const forget = () => {
    process.off('exit', killNow);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    rmSync(dir, { recursive: true, force: true });
  };

  for (;;) {
    try {
      await launch();
      break;
    } catch (err) {
      // The port was free when picked; on a busy machine something else may have
      // taken it since. A first start moves to another one (a restart cannot).
      if (err instanceof Error && err.message.includes('Address already in use')) {
        port = await freePort();
        continue;
      }
      forget();
      throw err;
    }
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
