/**
 * Child processes for the benchmark: every server (ours and the references)
 * and every load generator runs in a process of its own, so that the numbers
 * of one never include the event loop of another. Helpers here start them,
 * wait for them to answer, read their memory and stop them.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { type AddressInfo, createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (bench/lib/ is two levels down). */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface Child {
  name: string;
  pid: number;
  proc: ChildProcess;
  /** Everything the child printed so far (capped), for error messages. */
  output(): string;
  /** Resolves with the exit code (or the signal's name) once the child has exited. */
  exited: Promise<number | string | null>;
  /** Set by stopChild: an exit after this is expected. */
  stopping: boolean;
}

export interface SpawnOptions {
  env?: Record<string, string>;
  /** Flags for node itself, before the script (e.g. --expose-gc, --cpu-prof). */
  nodeFlags?: string[];
  /** Modules preloaded after tsx (so they may be TypeScript). */
  preload?: string[];
  /**
   * Raise the open-files limit to the hard limit first: 10,000 held streams need
   * more descriptors than the usual soft limit of 1,024. `exec` keeps the pid node's.
   */
  raiseFdLimit?: boolean;
  /** Forward the child's stdout here (lines), besides keeping it. */
  onLine?: (line: string) => void;
  /** Leave stdin open (for children that take commands on it). */
  stdin?: boolean;
  /** Print the child's output if it exits before stopChild is called (servers). */
  reportDeath?: boolean;
}

const tempDirs: string[] = [];

/** A fresh directory under the system's temp dir, removed by removeTempDirs() at the end of the run. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `scanlogin-bench-${prefix}-`));
  tempDirs.push(dir);
  return dir;
}

/** Deletes every directory tempDir() made (data directories, jobs, profiles): they hold up to a few hundred MB. */
export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Children still running; killed (by pid) if the benchmark itself exits or crashes. */
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const proc of running) proc.kill('SIGKILL');
});

/** Starts `node --import tsx <script> ...args` from the repository root. */
export function spawnNode(name: string, script: string, args: string[], opts: SpawnOptions = {}): Child {
  const preload = (opts.preload ?? []).flatMap((m) => ['--import', m]);
  const nodeArgs = [...(opts.nodeFlags ?? []), '--import', 'tsx', ...preload, script, ...args];
  const env = { ...process.env, ...opts.env };
  const proc = opts.raiseFdLimit
    ? spawn('bash', ['-c', 'ulimit -n "$(ulimit -Hn)" && exec "$0" "$@"', process.execPath, ...nodeArgs], {
        cwd: ROOT,
        env,
        stdio: [opts.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
      })
    : spawn(process.execPath, nodeArgs, {
        cwd: ROOT,
        env,
        stdio: [opts.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
      });
  if (proc.pid === undefined) throw new Error(`could not start ${name}`);
  running.add(proc);
  proc.once('exit', () => running.delete(proc));
  let out = '';
  const keep = (chunk: Buffer) => {
    out = (out + chunk.toString()).slice(-20_000);
  };
  let partial = '';
  proc.stdout?.on('data', (chunk: Buffer) => {
    keep(chunk);
    if (!opts.onLine) return;
    partial += chunk.toString();
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) opts.onLine(line);
  });
  proc.stderr?.on('data', keep);
  const exited = new Promise<number | string | null>((resolve) => {
    proc.once('exit', (code, signal) => resolve(code ?? signal));
  });
  const child: Child = { name, pid: proc.pid, proc, output: () => out, exited, stopping: false };
  // A server that dies on its own would otherwise only show up as "connection refused" later.
  if (opts.reportDeath) {
    void exited.then((code) => {
      if (!child.stopping)
        console.error(`\n!! ${name} (pid ${child.pid}) exited on its own (${code}):\n${out}\n`);
    });
  }
  return child;
}

/** Runs a child to completion and returns its stdout; throws with its output on a non-zero exit. */
export async function runNode(name: string, script: string, args: string[], opts: SpawnOptions = {}) {
  const child = spawnNode(name, script, args, opts);
  const code = await child.exited;
  if (code !== 0) throw new Error(`${name} exited with ${code}:\n${child.output()}`);
  return child.output();
}

/** Stops a child: `signal` first (servers drain and exit), SIGKILL if it lingers. */
export async function stopChild(child: Child, signal: NodeJS.Signals = 'SIGTERM', graceMs = 10_000) {
  child.stopping = true;
  if (child.proc.exitCode !== null || child.proc.signalCode !== null) return child.exited;
  child.proc.kill(signal);
  const timer = setTimeout(() => child.proc.kill('SIGKILL'), graceMs);
  const code = await child.exited;
  clearTimeout(timer);
  return code;
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** Resident memory of a process in bytes (VmRSS of /proc/<pid>/status), or null once it is gone. */
export function rssBytes(pid: number): number | null {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Clock ticks per second of /proc's CPU times (USER_HZ; 100 on Linux). */
const TICKS = 100;

/** CPU seconds (user + system) a process has used so far, or 0 once it is gone. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces); utime and stime are the 14th and 15th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS;
  } catch {
    return 0;
  }
}

/** CPU seconds the whole machine has spent busy (all cores, everything but idle and iowait). */
export function machineBusySeconds(): number {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    const total = v.reduce((a, b) => a + b, 0);
    return (total - (v[3] ?? 0) - (v[4] ?? 0)) / TICKS;
  } catch {
    return 0;
  }
}

/**
 * RSS after a forced full GC: the server under test is started with
 * --expose-gc and bench/server-hooks.ts, which runs gc() on SIGUSR2. The median
 * of a few samples smooths out allocations still in flight.
 */
export async function settledRss(pid: number, forceGc = true): Promise<number> {
  if (forceGc) {
    process.kill(pid, 'SIGUSR2');
    await sleep(400);
  }
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) {
    samples.push(rssBytes(pid) ?? 0);
    await sleep(100);
  }
  samples.sort((a, b) => a - b);
  return samples[2]!;
}

/** Samples a process's RSS every `everyMs` until stopped; reports the peak. */
export function watchRss(pid: number, everyMs = 200) {
  let peak = rssBytes(pid) ?? 0;
  const timer = setInterval(() => {
    peak = Math.max(peak, rssBytes(pid) ?? 0);
  }, everyMs);
  return {
    stop(): number {
      clearInterval(timer);
      return Math.max(peak, rssBytes(pid) ?? 0);
    },
  };
}

/** One GET; resolves with the status code, or null when nothing answers yet. */
function probe(url: string): Promise<number | null> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false, timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? null);
    });
    req.on('error', () => resolve(null));
    req.on('timeout', () => {
      req.destroy();
      resolve(null);
    });
  });
}

/**
 * Polls `url` until it answers 200; returns the milliseconds since `since`
 * (a performance.now() value). Polls every few ms so a cold start is timed to
 * about that precision; fails if the child dies or `timeoutMs` passes.
 */
export async function waitFor200(url: string, child: Child, since: number, timeoutMs = 60_000) {
  while (performance.now() - since < timeoutMs) {
    if (child.proc.exitCode !== null || child.proc.signalCode !== null) {
      throw new Error(`${child.name} exited before answering:\n${child.output()}`);
    }
    if ((await probe(url)) === 200) return performance.now() - since;
    await sleep(5);
  }
  throw new Error(`${child.name} did not answer 200 at ${url} within ${timeoutMs} ms:\n${child.output()}`);
}

let quietBudgetMs = 180_000;

/**
 * On a machine shared with other people's test runs, waits until the machine
 * is quiet (less than `threshold` of its CPU busy over half a second, while
 * our own servers sit idle) before a measurement starts; gives up after
 * `maxMs`, and after three minutes of waiting over the whole run. Returns the
 * milliseconds waited.
 */
export async function waitQuiet(threshold = 0.2, maxMs = 20_000): Promise<number> {
  const cores = cpus().length;
  const t0 = performance.now();
  while (quietBudgetMs > 0 && performance.now() - t0 < maxMs) {
    const busy0 = machineBusySeconds();
    await sleep(500);
    if ((machineBusySeconds() - busy0) / (0.5 * cores) < threshold) break;
  }
  const waited = performance.now() - t0;
  // The half-second sample of a quiet machine is not counted as waiting.
  if (waited > 600) quietBudgetMs -= waited;
  return waited > 600 ? waited : 0;
}
