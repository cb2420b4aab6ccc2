/**
 * Runs one load job in a separate process (bench/load-worker.ts) and returns
 * its result; samples the target server's RSS while it runs.
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { cpuSeconds, machineBusySeconds, runNode, tempDir, watchRss } from './proc.js';

export interface LoadJob {
  /** Base URL of the server under load. */
  url: string;
  method: 'GET' | 'POST';
  /** Path; `{item}` is replaced by the next item when items are given. */
  path: string;
  headers?: Record<string, string>;
  /** Request body (a JSON string); `{item}` is replaced as in the path. */
  body?: string;
  /** Cycled through in order, shared by all connections. */
  items?: string[];
  /** Each item at most once (tickets): the run ends when they are used up, or at the duration. */
  once?: boolean;
  /** Items for the warm-up when `once` is set (the measured run needs fresh ones). */
  warmupItems?: string[];
  /** Send exactly this many requests (the measured run), stopping early at the duration. */
  amount?: number;
  connections: number;
  durationSec: number;
  warmupSec?: number;
}

export interface LoadResult {
  requests: number;
  durationSec: number;
  rps: number;
  /** Latency percentiles in milliseconds. */
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** Answers counted by HTTP status. */
  statusCounts: Record<string, number>;
  errors: number;
  timeouts: number;
  itemsUsed: number;
  /** CPU seconds of the load generator process. */
  loadGenCpuSec?: number;
}

export interface MeasuredLoad extends LoadResult {
  /** Peak RSS of the server process during the measured run (and warm-up). */
  serverPeakRss: number;
  /** The server's CPU use over the whole job (warm-up included), in cores (1 = one core saturated). */
  serverCores: number;
  /**
   * Share of the machine's CPU capacity used by processes other than this
   * server and its load generator during the job: other people's test runs
   * on a shared machine show up here and make that run's numbers suspect.
   */
  otherShare: number;
}

const jobsDir = tempDir('jobs');
let jobNo = 0;

export async function runLoad(job: LoadJob, serverPid: number): Promise<MeasuredLoad> {
  const file = join(jobsDir, `job-${++jobNo}.json`);
  writeFileSync(file, JSON.stringify(job));
  const rss = watchRss(serverPid);
  const t0 = performance.now();
  const busy0 = machineBusySeconds();
  const server0 = cpuSeconds(serverPid);
  try {
    const out = await runNode('load generator', 'bench/load-worker.ts', [file]);
    const wall = (performance.now() - t0) / 1000;
    const serverCpu = cpuSeconds(serverPid) - server0;
    const busy = machineBusySeconds() - busy0;
    const line = out.trim().split('\n').at(-1) ?? '';
    const result = JSON.parse(line) as LoadResult;
    const other = busy - serverCpu - (result.loadGenCpuSec ?? 0);
    return {
      ...result,
      serverPeakRss: rss.stop(),
      serverCores: serverCpu / wall,
      otherShare: Math.max(0, other / (wall * cpus().length)),
    };
  } finally {
    rss.stop();
  }
}

/** "200 × 41,250" style summary of the answers; flags any status that was not expected. */
export function answers(r: LoadResult, expected: number): { text: string; clean: boolean } {
  const parts = Object.entries(r.statusCounts).map(([s, n]) => `${s} × ${n.toLocaleString('en-US')}`);
  if (r.errors) parts.push(`${r.errors} socket errors`);
  const clean =
    r.errors === 0 && Object.keys(r.statusCounts).every((s) => Number(s) === expected) && r.requests > 0;
  return { text: parts.join(', ') || 'none', clean };
}
