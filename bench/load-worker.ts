/**
 * The load generator: runs autocannon in a process of its own (never inside a
 * server's process), reads its job from a JSON file, prints one JSON line with
 * the result. Started by bench/lib/load.ts as
 *   node --import tsx bench/load-worker.ts <job.json>
 *
 * Latency percentiles are computed here from each response's own time
 * (autocannon's histogram has a 1 ms floor, too coarse for answers that take
 * a fraction of a millisecond).
 */
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import type { LoadJob, LoadResult } from './lib/load.js';
import { percentile } from './lib/stats.js';

const job = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as LoadJob;

/**
 * One autocannon run. With `items`, each request takes the next item (in
 * order, shared by all connections) into `{item}` of the path and body: codes
 * to poll in turn, or tickets that can each be redeemed once.
 */
function run(durationSec: number, items: string[] | undefined, measure: boolean): Promise<LoadResult> {
  let next = 0;
  const take = () => {
    if (!items || items.length === 0) return '';
    // Past the end (a once-only list ran out): repeat the last item; its answers show as errors.
    const item = items[job.once ? Math.min(next, items.length - 1) : next % items.length]!;
    next++;
    return item;
  };
  const fill = (s: string | undefined, item: string) => s?.replaceAll('{item}', item);
  const latencies: number[] = [];
  const statusCounts: Record<string, number> = {};
  let started = 0;
  return new Promise((resolve, reject) => {
    // A fixed number of requests: the once-only items, or `amount` (e.g. 100,000 codes to create).
    const amount = job.once && items ? items.length : measure ? job.amount : undefined;
    const instance = autocannon(
      {
        url: job.url,
        connections: amount ? Math.min(job.connections, amount) : job.connections,
        pipelining: 1,
        ...(amount ? { amount } : { duration: durationSec }),
        timeout: 30,
        requests: [
          {
            method: job.method,
            headers: job.headers ?? {},
            setupRequest: (req) => {
              const item = take();
              const body = fill(job.body, item);
              return { ...req, path: fill(job.path, item) ?? '/', ...(body === undefined ? {} : { body }) };
            },
          },
        ],
      },
      (err, result) => {
        if (err) return reject(err);
        const elapsed = (performance.now() - started) / 1000;
        latencies.sort((a, b) => a - b);
        resolve({
          requests: latencies.length,
          durationSec: elapsed,
          rps: latencies.length / elapsed,
          p50: percentile(latencies, 50),
          p90: percentile(latencies, 90),
          p99: percentile(latencies, 99),
          max: latencies.at(-1) ?? 0,
          statusCounts,
          errors: result.errors,
          timeouts: result.timeouts,
          itemsUsed: next,
        });
      },
    );
    started = performance.now();
    // With a fixed amount the run ends when it is reached, or after the duration.
    if (amount) setTimeout(() => instance.stop(), durationSec * 1000).unref();
    if (measure) {
      instance.on('response', (_client, statusCode, _bytes, responseTime) => {
        latencies.push(responseTime);
        statusCounts[statusCode] = (statusCounts[statusCode] ?? 0) + 1;
      });
    }
  });
}

// The warm-up lets both sides' JIT settle; its numbers are thrown away.
if (job.warmupSec) await run(job.warmupSec, job.warmupItems ?? job.items, false);
const result = await run(job.durationSec, job.items, true);
// The generator's own CPU (warm-up included), so the caller can tell how much of the machine others used.
const cpu = process.cpuUsage();
result.loadGenCpuSec = (cpu.user + cpu.system) / 1e6;
process.stdout.write(`${JSON.stringify(result)}\n`);
