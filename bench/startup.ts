/**
 * Start-up time of the service: from spawning `scanlogin serve` to its first
 * answer on /health/live (or /health), for the compiled server (what the
 * package's bin and `npm start` run) beside the same source run through tsx.
 * Each variant starts RUNS times on a data directory made by its first start,
 * which is timed apart (it creates the database, the keys and the demo users).
 * Not a test: it prints and writes bench/results/startup.md.
 * Run: `npm run bench:startup` (RUNS=N to change; builds the server first).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { machineInfo } from './lib/machine.js';
import { freePort, ROOT } from './lib/proc.js';
import { median, ms, percentile } from './lib/stats.js';

const RUNS = Number(process.env.RUNS ?? 15);

const variants = {
  compiled: ['packages/server/dist/cli/main.js'],
  tsx: ['--import', 'tsx', 'packages/server/src/cli/main.ts'],
} as const;
type Variant = keyof typeof variants;

/** One GET; resolves with the status code, or 0 when nothing listens yet. */
function status(port: number, path: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.once('error', () => resolve(0));
  });
}

/** Milliseconds from spawn until the service answers 200, then stops it. */
async function startOnce(variant: Variant, dataDir: string): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child: ChildProcess = spawn(process.execPath, [...variants[variant], 'serve'], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    stdio: 'ignore',
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let failed = false;
  void exited.then(() => {
    failed = true;
  });
  // Polling is the measurement here: the service has no other way to say it is ready.
  for (;;) {
    if (failed) throw new Error(`${variant} exited before it answered`);
    if ((await status(port, '/health')) === 200) break;
    await new Promise((r) => setTimeout(r, 2));
  }
  const elapsed = performance.now() - started;
  child.kill('SIGTERM');
  await exited;
  return elapsed;
}

execFileSync(process.execPath, ['scripts/build.mjs', 'server'], { cwd: ROOT, stdio: 'inherit' });

const rows: string[] = [];
for (const variant of Object.keys(variants) as Variant[]) {
  const dataDir = mkdtempSync(join(tmpdir(), `scanlogin-startup-${variant}-`));
  try {
    const first = await startOnce(variant, dataDir);
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) times.push(await startOnce(variant, dataDir));
    const sorted = [...times].sort((a, b) => a - b);
    const line = `| ${variant} | ${ms(first)} | ${ms(sorted[0]!)} | ${ms(median(times))} | ${ms(percentile(sorted, 90))} | ${ms(sorted.at(-1)!)} |`;
    console.log(line);
    rows.push(line);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const m = machineInfo();
writeFileSync(
  join(ROOT, 'bench/results/startup.md'),
  `# Start-up time: compiled server against tsx

From spawning \`scanlogin serve\` (embedded SQLite) to its first 200 on \`/health\`, ${RUNS} starts
of each on a data directory its first start created. The first start also creates the database, the
signing key and the demo users (two argon2id hashes).

| variant | first start | min | median | p90 | max |
| --- | --- | --- | --- | --- | --- |
${rows.join('\n')}

Measured on ${m.cpu}, ${m.cores} cores, Node ${m.node}, revision ${m.revision}, by \`npm run bench:startup\`.
`,
);
