/**
 * Summarises a V8 .cpuprofile (written by `node --cpu-prof`): the functions
 * with the most self time, the same grouped by area (our server, each
 * dependency, Node internals, GC), and the inclusive time of our own
 * functions (to see which request step the self time belongs to).
 *
 *   node --import tsx bench/profile-summary.ts <file.cpuprofile> [--top N] [--last S] [--skip-tail S]
 *
 * --last S / --skip-tail S keep only the samples of the S seconds that end
 * --skip-tail seconds before the profile ends: the benchmark stops the server
 * right after the measured load, so that window is the load, without start-up
 * and setup traffic.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT } from './lib/proc.js';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface Row {
  name: string;
  ms: number;
  /** Share of the busy (non-idle) time in the window. */
  pct: number;
}

export interface ProfileSummary {
  windowMs: number;
  busyMs: number;
  idleMs: number;
  /** Self time of the socket writes (see the report on why it is worth telling apart). */
  writevMs: number;
  top: Row[];
  areas: Row[];
  /** Our server's functions by inclusive time (self plus callees). */
  ownInclusive: Row[];
}

const SPECIAL = new Set(['(idle)', '(program)', '(garbage collector)', '(root)']);

/** A path relative to the repository, with node_modules/<pkg>/ kept so dependencies are recognisable. */
function shortUrl(url: string): string {
  let u = url.replace(/^file:\/\//, '');
  if (u.startsWith(ROOT)) u = u.slice(ROOT.length);
  const nm = u.lastIndexOf('node_modules/');
  return nm >= 0 ? u.slice(nm) : u;
}

/**
 * Our TypeScript runs through tsx, so a frame's line is a line of the
 * transpiled module, not of the .ts file. For named functions the line of
 * their declaration in the source is found instead (first match); anonymous
 * ones keep the file only.
 */
const sources = new Map<string, string[]>();
function sourceLine(path: string, name: string): number | null {
  if (!name) return null;
  let lines = sources.get(path);
  if (!lines) {
    try {
      lines = readFileSync(join(ROOT, path), 'utf8').split('\n');
    } catch {
      lines = [];
    }
    sources.set(path, lines);
  }
  const n = name.replace(/^#/, '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const decl = new RegExp(
    `(function\\*?\\s+${n}\\b|\\b(const|let)\\s+${n}\\s*=|^\\s*(export\\s+)?(async\\s+|static\\s+|get\\s+|set\\s+|private\\s+|readonly\\s+)*#?${n}\\s*[(<])`,
  );
  const i = lines.findIndex((l) => decl.test(l));
  return i >= 0 ? i + 1 : null;
}

function keyOf(f: CallFrame): string {
  if (SPECIAL.has(f.functionName)) return f.functionName;
  const name = f.functionName || '(anonymous)';
  if (!f.url) return `${name} (native)`;
  const path = shortUrl(f.url);
  if (path.endsWith('.ts') && !path.startsWith('node_modules/')) {
    const line = sourceLine(path, f.functionName);
    return `${name} ${path}${line ? `:${line}` : ''}`;
  }
  return `${name} ${path}:${f.lineNumber + 1}`;
}

/** Which part of the process a frame belongs to. */
function areaOf(f: CallFrame): string {
  if (f.functionName === '(garbage collector)') return 'garbage collector';
  if (SPECIAL.has(f.functionName)) return f.functionName;
  const u = shortUrl(f.url);
  if (!u) return 'native (V8 builtins, C++ bindings)';
  const pkg = /^node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(u);
  if (pkg) return `dependency ${pkg[1]}`;
  if (u.startsWith('node:')) return 'Node.js internals';
  const ours = /^packages\/([^/]+)\/src\/(?:([^/]+)\/)?/.exec(u);
  if (ours) return `ours: ${ours[1]}/${ours[2] ?? ''}`;
  return u;
}

const isOurs = (f: CallFrame) => shortUrl(f.url).startsWith('packages/');

export function summarizeProfile(
  file: string,
  opts: { top?: number; lastSec?: number; skipTailSec?: number } = {},
): ProfileSummary {
  const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const to = p.endTime - (opts.skipTailSec ?? 0) * 1e6;
  const from = opts.lastSec === undefined ? p.startTime : to - opts.lastSec * 1e6;

  // Self time per node: each sample's interval goes to the node it landed in.
  const self = new Map<number, number>();
  let t = p.startTime;
  for (let i = 0; i < p.samples.length; i++) {
    const dt = p.timeDeltas[i] ?? 0;
    t += dt;
    if (t < from || t > to) continue;
    const id = p.samples[i]!;
    self.set(id, (self.get(id) ?? 0) + dt);
  }

  const selfByKey = new Map<string, number>();
  const byArea = new Map<string, number>();
  let idle = 0;
  let total = 0;
  for (const [id, us] of self) {
    const f = byId.get(id)!.callFrame;
    total += us;
    if (f.functionName === '(idle)') {
      idle += us;
      continue;
    }
    const k = keyOf(f);
    selfByKey.set(k, (selfByKey.get(k) ?? 0) + us);
    const a = areaOf(f);
    byArea.set(a, (byArea.get(a) ?? 0) + us);
  }
  const busy = total - idle;

  // Inclusive time of our functions; a function already on the stack (recursion) counts once.
  const inclusive = new Map<string, number>();
  const root = p.nodes[0]!;
  const onPath = new Map<string, number>();
  const walk = (n: ProfileNode): number => {
    const k = keyOf(n.callFrame);
    onPath.set(k, (onPath.get(k) ?? 0) + 1);
    let sum = self.get(n.id) ?? 0;
    for (const c of n.children ?? []) sum += walk(byId.get(c)!);
    const depth = onPath.get(k)!;
    onPath.set(k, depth - 1);
    if (depth === 1 && isOurs(n.callFrame)) inclusive.set(k, (inclusive.get(k) ?? 0) + sum);
    return sum;
  };
  walk(root);

  const rows = (m: Map<string, number>, n: number): Row[] =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, us]) => ({ name, ms: us / 1000, pct: busy > 0 ? (100 * us) / busy : 0 }));
  const top = opts.top ?? 15;
  return {
    windowMs: (to - from) / 1000,
    busyMs: busy / 1000,
    idleMs: idle / 1000,
    writevMs: (selfByKey.get('writev (native)') ?? 0) / 1000,
    top: rows(selfByKey, top),
    areas: rows(byArea, 12),
    ownInclusive: rows(inclusive, top),
  };
}

export function summaryMarkdown(s: ProfileSummary): string {
  const table = (title: string, rows: Row[]) =>
    [
      `| ${title} | ms | % of busy |`,
      '| --- | ---: | ---: |',
      ...rows.map(
        (r) => `| \`${r.name.replaceAll('|', '\\|')}\` | ${r.ms.toFixed(0)} | ${r.pct.toFixed(1)} |`,
      ),
    ].join('\n');
  return [
    `Window ${(s.windowMs / 1000).toFixed(1)} s: busy ${(s.busyMs / 1000).toFixed(2)} s, idle ${(s.idleMs / 1000).toFixed(2)} s.`,
    '',
    table('self time, by function', s.top),
    '',
    table('self time, by area', s.areas),
    '',
    table('inclusive time, our functions', s.ownInclusive),
  ].join('\n');
}

// As a command: print the summary of the file given.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const file = args.find((a) => !a.startsWith('--'));
  if (!file) {
    console.error('usage: profile-summary.ts <file.cpuprofile> [--top N] [--last S] [--skip-tail S]');
    process.exit(2);
  }
  const num = (flag: string) => {
    const i = args.indexOf(flag);
    return i >= 0 ? Number(args[i + 1]) : undefined;
  };
  const opts: { top?: number; lastSec?: number; skipTailSec?: number } = {};
  const top = num('--top');
  const last = num('--last');
  const skip = num('--skip-tail');
  if (top !== undefined) opts.top = top;
  if (last !== undefined) opts.lastSec = last;
  if (skip !== undefined) opts.skipTailSec = skip;
  console.log(summaryMarkdown(summarizeProfile(file, opts)));
}
