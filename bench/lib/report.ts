/** Renders bench/RESULTS.md from one run's measurements. */

import type { ProfileSummary } from '../profile-summary.js';
import type { SseResult } from '../sse-client.js';
import { answers, type MeasuredLoad } from './load.js';
import type { MachineInfo } from './machine.js';
import { RAISED_LIMITS, SERVER_ENTRY } from './scanlogin.js';
import { bytes, median, mib, ms, percentile, rate, ratio } from './stats.js';

export interface LoadRow {
  id: string;
  name: string;
  endpoint: string;
  /** The HTTP status every answer should have. */
  expected: number;
  /** The round kept (the best). */
  result: MeasuredLoad;
  /** Every round, in order: req/s and the share of the machine others used meanwhile. */
  rounds: { rps: number; otherShare: number }[];
  note?: string;
}

export interface SseStats {
  opened: number;
  notified: number;
  missed: number;
  p50: number;
  p99: number;
  max: number;
  /** The trigger's own HTTP answer (our confirm call), sent → answered. */
  responseP50: number;
  responseP99: number;
  triggerErrors: number;
  firstError?: string;
}

export function sseStats(r: SseResult, opened: number): SseStats {
  const n = [...r.notify].sort((a, b) => a - b);
  const resp = [...r.response].sort((a, b) => a - b);
  return {
    opened,
    notified: n.length,
    missed: r.missed,
    p50: percentile(n, 50),
    p99: percentile(n, 99),
    max: n.at(-1) ?? 0,
    responseP50: percentile(resp, 50),
    responseP99: percentile(resp, 99),
    triggerErrors: r.triggerErrors,
    ...(r.firstError ? { firstError: r.firstError } : {}),
  };
}

export interface ColdStart {
  /** Empty DATA_DIR: migrations, seeding (RSA key, argon2 hashes), signing key. */
  first: number[];
  /** What "first start" means when the database outlives the process (cluster mode). */
  firstLabel?: string;
  /** The same DATA_DIR again. */
  restart: number[];
}

export interface ModeRefs {
  ceiling: LoadRow;
  oidcPoll: LoadRow;
  oidcAuth: LoadRow;
  /** Bare oidc-provider redeeming authorization codes (beside our OpenID token endpoint); absent in older runs. */
  oidcCode?: LoadRow;
  oidcPollAnswer: string;
  oidcAuthAnswer: string;
  bareSse: { sequential: SseStats; broadcast: SseStats };
}

export interface ModeResults {
  mode: string;
  /** The references measured in turns with this mode's runs. */
  refs: ModeRefs;
  loads: LoadRow[];
  sse: { sequential: SseStats; burst: SseStats };
  held: { before: number; after: number; opened: number; failed: number; firstError?: string | undefined };
  sessions: {
    created: number;
    measured: number;
    before: number;
    after: number;
    rps: number;
    dbBytes: number;
    redisDelta: number | null;
  };
  cold: ColdStart;
}

export interface ProfileEntry {
  id: string;
  name: string;
  endpoint: string;
  rps: number;
  /** Achieved / required in the measured run (below 1: target missed). */
  margin: number;
  file: string;
  summary: ProfileSummary;
}

export interface BenchResults {
  date: string;
  command: string;
  settings: {
    duration: number;
    warmup: number;
    rounds: number;
    connections: number;
    pollCodes: number;
    oidcPollCodes: number;
    ssePages: number;
    sseBurst: number;
    heldStreams: number;
    sessions: number;
    coldRuns: number;
  };
  machine: MachineInfo;
  refs: {
    bareHeld: { before: number; after: number; opened: number };
    cold: Record<string, number[]>;
  };
  modes: ModeResults[];
  clusterNote: string | null;
  sdkSize: { gzipped: number; line: string } | null;
  profiles: ProfileEntry[];
  totalSeconds: number;
}

const NOTES_START = '<!-- notes:start -->';
const NOTES_END = '<!-- notes:end -->';

const table = (head: string[], rows: string[][]) =>
  [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');

const spread = (v: number[]) => `${ms(median(v))} (${ms(Math.min(...v))}–${ms(Math.max(...v))})`;

function answerCell(row: LoadRow): string {
  const a = answers(row.result, row.expected);
  return a.clean ? a.text : `**${a.text}** (expected ${row.expected})`;
}

export interface TargetRow {
  what: string;
  measured: string;
  required: string;
  met: boolean;
}

/** The issue's targets, evaluated for one mode. */
export function targets(r: BenchResults, m: ModeResults): TargetRow[] {
  const rps = (id: string) => m.loads.find((l) => l.id === id)?.result.rps ?? 0;
  const ceiling = m.refs.ceiling.result.rps;
  const poll = m.refs.oidcPoll.result.rps;
  const auth = m.refs.oidcAuth.result.rps;
  const rows: TargetRow[] = [];
  const atLeast = (what: string, v: number, min: number) =>
    rows.push({ what, measured: ratio(v), required: `≥ ${ratio(min)}`, met: v >= min });
  for (const [id, label] of [
    ['poll-one', 'poll one pending code'],
    ['poll-many', `poll ${r.settings.pollCodes.toLocaleString('en-US')} pending codes`],
  ] as const) {
    atLeast(`${label} vs Fastify ceiling (req/s)`, rps(id) / ceiling, 0.7);
    atLeast(`${label} vs oidc-provider pending token poll (req/s)`, rps(id) / poll, 4);
  }
  atLeast('create a code vs oidc-provider device authorization (req/s)', rps('gene') / auth, 3);
  atLeast('ticket exchange vs oidc-provider pending token poll (req/s)', rps('exchange') / poll, 1);
  const bare = m.refs.bareSse;
  const sse = (what: string, ours: SseStats, ref: SseStats, note = '') =>
    rows.push({
      what,
      measured: `${ratio(ours.p99 / ref.p99)} (${ms(ours.p99)} vs ${ms(ref.p99)})${note}`,
      required: '≤ 2x',
      met: ours.p99 <= 2 * ref.p99 && ours.missed === 0,
    });
  const pages = r.settings.ssePages.toLocaleString('en-US');
  sse(
    `confirm → SSE event p99, each of ${pages} codes confirmed in turn, vs the bare server writing to ${pages} held streams on one trigger (the issue's comparison)`,
    m.sse.sequential,
    bare.broadcast,
  );
  sse(
    `same, ours as a burst (${r.settings.sseBurst} confirms in flight) vs the same bare broadcast`,
    m.sse.burst,
    bare.broadcast,
  );
  sse(
    "stricter, like for like (not the issue's target): one confirm at a time vs the bare server triggering one stream at a time",
    m.sse.sequential,
    bare.sequential,
  );
  // Where sessions live in Redis (cluster mode), their memory is Redis's: counted with the server's.
  const perSession =
    (m.sessions.after - m.sessions.before + (m.sessions.redisDelta ?? 0)) / Math.max(1, m.sessions.measured);
  rows.push({
    what: `RSS per pending session at ${m.sessions.measured.toLocaleString('en-US')}${m.sessions.redisDelta === null ? '' : ' (server + Redis)'}`,
    measured: bytes(perSession),
    required: '≤ 500 B',
    met: perSession <= 500 && m.sessions.measured >= r.settings.sessions,
  });
  const perStream = (m.held.after - m.held.before) / Math.max(1, m.held.opened);
  rows.push({
    what: `RSS per held SSE stream at ${m.held.opened.toLocaleString('en-US')}`,
    measured: bytes(perStream),
    required: '≤ 25 KiB',
    met: perStream <= 25 * 1024 && m.held.opened >= r.settings.heldStreams,
  });
  if (r.sdkSize) {
    rows.push({
      what: 'web SDK (IIFE bundle), gzipped',
      measured: `${r.sdkSize.gzipped.toLocaleString('en-US')} B`,
      required: `≤ ${(12 * 1024).toLocaleString('en-US')} B`,
      met: r.sdkSize.gzipped <= 12 * 1024,
    });
  }
  return rows;
}

/** The columns every load table shares: rate, latency, RSS, CPU, and the disturbance by others. */
const loadCells = (l: LoadRow) => [
  rate(l.result.rps),
  l.rounds.length > 1
    ? l.rounds.map((x) => `${rate(x.rps)} (${Math.round(x.otherShare * 100)} %)`).join(' / ')
    : '–',
  ms(l.result.p50),
  ms(l.result.p99),
  mib(l.result.serverPeakRss),
  l.result.serverCores.toFixed(2),
  `${Math.round(l.result.otherShare * 100)} %`,
];
const LOAD_HEAD = [
  'req/s (best)',
  'each round (others)',
  'p50',
  'p99',
  'peak RSS',
  'server CPU (cores)',
  'others',
];

function modeSection(r: BenchResults, m: ModeResults): string {
  const ceiling = m.refs.ceiling.result.rps;
  const poll = m.refs.oidcPoll.result.rps;
  const auth = m.refs.oidcAuth.result.rps;
  const s = r.settings;
  const loadTable = table(
    [
      'scenario',
      'endpoint',
      ...LOAD_HEAD,
      '× Fastify ceiling',
      '× oidc device auth',
      '× oidc pending poll',
      'answers',
    ],
    m.loads.map((l) => [
      l.name,
      `\`${l.endpoint}\``,
      ...loadCells(l),
      ratio(l.result.rps / ceiling),
      ratio(l.result.rps / auth),
      ratio(l.result.rps / poll),
      answerCell(l),
    ]),
  );
  const notes = m.loads.filter((l) => l.note).map((l) => `- ${l.name}: ${l.note}.`);

  const bare = m.refs.bareSse;
  const sseRow = (name: string, x: SseStats, response: boolean) => [
    name,
    `${x.notified} / ${x.opened}`,
    ms(x.p50),
    ms(x.p99),
    ms(x.max),
    response ? `${ms(x.responseP50)} / ${ms(x.responseP99)}` : '–',
    x.missed || x.triggerErrors ? `**${x.missed} missed, ${x.triggerErrors} trigger errors**` : '0',
  ];
  const sseTable = table(
    ['variant', 'notified / streams', 'p50', 'p99', 'max', 'confirm answer p50 / p99', 'missed'],
    [
      sseRow('ours: confirm each code in turn', m.sse.sequential, true),
      sseRow(`ours: burst, ${s.sseBurst} confirms in flight`, m.sse.burst, true),
      sseRow('bare SSE: trigger one stream in turn', bare.sequential, false),
      sseRow(`bare SSE: one trigger writes to all ${s.ssePages} streams`, bare.broadcast, false),
    ],
  );

  const perStream = (m.held.after - m.held.before) / Math.max(1, m.held.opened);
  const barePerStream =
    (r.refs.bareHeld.after - r.refs.bareHeld.before) / Math.max(1, r.refs.bareHeld.opened);
  const perSession = (m.sessions.after - m.sessions.before) / Math.max(1, m.sessions.measured);
  const memTable = table(
    ['measure', 'RSS before', 'RSS after', 'per item', 'reference'],
    [
      [
        `${m.held.opened.toLocaleString('en-US')} held SSE streams${m.held.failed ? ` (**${m.held.failed} failed to open: ${m.held.firstError}**)` : ''}`,
        mib(m.held.before),
        mib(m.held.after),
        bytes(perStream),
        `bare SSE server: ${bytes(barePerStream)} per stream (${ratio(perStream / barePerStream)})`,
      ],
      [
        `${m.sessions.measured.toLocaleString('en-US')} pending sessions (created at ${rate(m.sessions.rps)} req/s)`,
        mib(m.sessions.before),
        mib(m.sessions.after),
        bytes(perSession),
        [
          `on disk: ${bytes(m.sessions.dbBytes / Math.max(1, m.sessions.measured))} per session in DATA_DIR`,
          m.sessions.redisDelta === null
            ? ''
            : `; Redis RSS +${bytes(m.sessions.redisDelta / Math.max(1, m.sessions.measured))} per session`,
        ].join(''),
      ],
    ],
  );

  const refCold = r.refs.cold;
  const coldTable = table(
    ['process', `spawn → first 200, median (min–max) of ${s.coldRuns}`, '× Fastify', '× oidc-provider'],
    [
      [m.cold.firstLabel ?? 'ours, first start (empty DATA_DIR: migrations, seed, keys)', m.cold.first],
      ['ours, restart (existing DATA_DIR)', m.cold.restart],
      ['Fastify plain route (reference)', refCold.fastify ?? []],
      ['oidc-provider (reference)', refCold.oidc ?? []],
    ].map(([name, v]) => {
      const values = v as number[];
      return [
        name as string,
        spread(values),
        ratio(median(values) / median(refCold.fastify ?? [1])),
        ratio(median(values) / median(refCold.oidc ?? [1])),
      ];
    }),
  );

  const refTable = table(
    ['reference', 'endpoint', ...LOAD_HEAD, 'answers'],
    [m.refs.ceiling, m.refs.oidcAuth, m.refs.oidcPoll, ...(m.refs.oidcCode ? [m.refs.oidcCode] : [])].map(
      (l) => [l.name, `\`${l.endpoint}\``, ...loadCells(l), answerCell(l)],
    ),
  );

  return [
    `## Scanlogin, ${m.mode}`,
    '',
    '### References, measured in turns with the runs below',
    '',
    refTable,
    '',
    'What oidc-provider answered, as measured: the pending token poll',
    `\`${m.refs.oidcPollAnswer}\`, the device authorization \`${m.refs.oidcAuthAnswer}\`.`,
    '',
    '### Throughput (scenarios 1–4)',
    '',
    loadTable,
    '',
    ...notes,
    '',
    `### Confirm → page notified over SSE (scenario 5, ${s.ssePages.toLocaleString('en-US')} waiting pages)`,
    '',
    `Each page holds \`GET /api/v2/qrcode/events\` on its own scanned code (own connection); the phone's`,
    '`POST /api/v2/qrcode/confirm` is sent and the time runs until that page receives the status-2 event.',
    'Sender and receiver are one process (bench/sse-client.ts), one clock. The bare server',
    '(bench/refs/bare-sse.ts) writes the same-sized frame with nothing in between.',
    '',
    sseTable,
    '',
    '### Memory (scenarios 6 and 7, fresh server each)',
    '',
    'RSS after a forced GC (median of 5 samples): before = after the codes were made (6) or after a',
    'warm-up of 5,000 codes (7); after = with every stream open / every session created.',
    '',
    memTable,
    '',
    '### Cold start (scenario 8)',
    '',
    coldTable,
    '',
  ].join('\n');
}

function profileSection(r: BenchResults): string {
  if (r.profiles.length === 0)
    return '## Profile findings\n\nProfiles were not taken in this run (--no-profile).\n';
  const parts = [
    '## Profile findings',
    '',
    'The two load scenarios furthest below their targets (one per endpoint; polling too when it is not',
    'one of them, being the most frequent request) were run again on a server started with',
    '`node --cpu-prof --cpu-prof-dir=…` (embedded mode, same load), and so was the Fastify ceiling as a',
    'baseline. Each profile was summarised over the measured seconds only with',
    'bench/profile-summary.ts (`node --import tsx bench/profile-summary.ts <file> --last S --skip-tail S`);',
    'the .cpuprofile files stay in bench/results/ for Chrome DevTools or speedscope (git-ignored).',
    'Lines of our .ts files are those of the function declarations (the profile itself has tsx output lines).',
    "Self time in `writev` is the response's socket write. On this KVM guest it grows when the server is",
    "the bottleneck: the load generator's core idles between answers, and waking it costs the writing",
    "syscall a VM exit. Compare its time per answer with the baseline's, where the generator never idles.",
    '',
  ];
  for (const p of r.profiles) {
    const why = Number.isNaN(p.margin)
      ? 'the same load and profiler on the plain route, for comparison'
      : `${ratio(p.margin)} of its target in the measured run`;
    parts.push(
      `### ${p.name} (\`${p.endpoint}\`, ${rate(p.rps)} req/s while profiled; ${why})`,
      '',
      `Profile: \`${p.file}\`.`,
    );
    const s = p.summary;
    const rows = (list: typeof s.top) =>
      list.map((x) => [`\`${x.name.replaceAll('|', '\\|')}\``, x.ms.toFixed(0), x.pct.toFixed(1)]);
    const answers = p.rps * (s.windowMs / 1000);
    const perAnswer = (msTotal: number) => `${((msTotal * 1000) / Math.max(1, answers)).toFixed(0)} µs`;
    parts.push(
      `Window ${(s.windowMs / 1000).toFixed(1)} s; busy ${(s.busyMs / 1000).toFixed(2)} s, idle ${(s.idleMs / 1000).toFixed(2)} s;` +
        ` about ${perAnswer(s.busyMs)} of CPU per answer, of which \`writev\` ${perAnswer(s.writevMs)}.`,
      '',
      table(['self time by area', 'ms', '% of busy'], rows(s.areas)),
      '',
      table(['self time by function', 'ms', '% of busy'], rows(s.top)),
      '',
      table(['inclusive time, our functions', 'ms', '% of busy'], rows(s.ownInclusive)),
      '',
    );
  }
  return parts.join('\n');
}

/** The whole RESULTS.md; hand-written notes between the markers of `previous` are kept. */
export function renderResults(r: BenchResults, previous: string): string {
  const m = r.machine;
  const s = r.settings;
  const a = previous.indexOf(NOTES_START);
  const b = previous.indexOf(NOTES_END);
  const notes =
    a >= 0 && b > a
      ? previous.slice(a + NOTES_START.length, b).trim()
      : '(No analysis written for this run yet.)';

  const targetSections = r.modes.map((mode) =>
    [
      `### ${mode.mode}`,
      '',
      table(
        ['target', 'measured', 'required', 'met'],
        targets(r, mode).map((t) => [t.what, t.measured, t.required, t.met ? 'met' : '**not met**']),
      ),
      '',
    ].join('\n'),
  );

  return `# Benchmark results

Generated by \`${r.command}\` (bench/run.ts) on ${r.date.slice(0, 16).replace('T', ' ')} UTC; the run took
${Math.round(r.totalSeconds)} s. Every run rewrites this file except the notes at the end.

## Machine and versions

${table(
  ['', ''],
  [
    ['CPU', `${m.cpu}, ${m.cores} cores`],
    ['RAM', `${m.ramGiB} GiB`],
    ['OS', m.os],
    ['Node', m.node],
    [
      'packages',
      Object.entries(m.packages)
        .map(([k, v]) => `${k} ${v}`)
        .join(', '),
    ],
    ['source', m.revision],
    ['open files (hard limit)', m.openFilesLimit],
  ],
)}

## Command and method

- Command: \`${r.command}\` (= \`node --import tsx bench/run.ts\`), from the repository root.
- Every server runs in its own process; ours exactly as \`npm run serve\` starts it:
  \`node --import tsx ${SERVER_ENTRY} serve\`, with \`HOST=127.0.0.1 PORT=<free> DATA_DIR=<fresh temp dir>
  LOG_LEVEL=silent ADMIN_TOKEN=<random>\` and the rate limits raised out of the way
  (${Object.entries(RAISED_LIMITS)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ')}), through \`bash -c 'ulimit -n <hard>; exec node …'\`.
  Servers whose memory is read also get \`--expose-gc --import ./bench/server-hooks.ts\` (SIGUSR2 → gc()).
- Load: autocannon ${m.packages.autocannon} in a separate process (bench/load-worker.ts), ${s.connections} connections,
  no pipelining, ${s.warmup} s warm-up then ${s.duration} s measured, 127.0.0.1 only. req/s = answers / elapsed;
  p50/p99 from every answer's own latency (autocannon's histogram rounds to 1 ms).
- ${s.rounds} round(s): each round runs every reference and every scenario once, in turns, and the round with the
  highest req/s of each is kept (the SSE comparison keeps the lowest p99). "server CPU" is the server process's
  CPU time over the job (1.00 = one core busy); "others" is the share of the whole machine that processes other
  than the server and the load generator used meanwhile (other people's test runs on a shared machine).
- Server RSS: VmRSS of /proc/<pid>/status; "peak" is sampled every 200 ms during the load.
- Setup (codes, approvals, tickets) goes through the public and admin APIs before each measured run and is
  not timed. The pool has the default security settings (binding required); the app's codes and tickets live
  3,600 s so nothing expires during the run. Codes are asked for as the stock SDK asks (no \`rotate\`), so the
  rotation of public ids is not exercised.
- ${m.cores} cores shared by the load generator and the server: absolute numbers are of this machine only;
  compare the ratios, all measured in this one run.

## References

- Fastify ceiling (bench/refs/fastify-ceiling.ts): a plain Fastify ${m.packages.fastify} route answering
  \`{"code":200,"message":"ok","data":{"status":0}}\`; no schema, hooks or logging.
- oidc-provider ${m.packages['oidc-provider']} (bench/refs/oidc-device.ts), bare (the library our OpenID provider is
  built on, without our storage, sign-in or rules), on an unbounded in-memory Map adapter and one ES256 key:
  the device authorization grant for one public client (token_endpoint_auth_method \`none\`), its pending token
  poll measured on ${s.oidcPollCodes} device codes polled round-robin (made fresh before each run); it answers
  \`authorization_pending\`, never \`slow_down\` (this version does not pace polling itself; ours does). And the
  authorization code grant with PKCE for one confidential client (its login interaction answers at once): the
  code redemption, beside ours (scenario 9a).
- Bare SSE (bench/refs/bare-sse.ts): node:http holding event streams; a trigger writes one same-sized frame.

${r.modes.map((mode) => modeSection(r, mode)).join('\n')}
${r.clusterNote ? `> ${r.clusterNote}\n` : ''}
## Targets

${targetSections.join('\n')}
${r.sdkSize ? `Web SDK: \`node scripts/check-size.mjs\` printed: \`${r.sdkSize.line}\`.\n` : 'Web SDK size: scripts/check-size.mjs printed no size.\n'}
${profileSection(r)}
## Analysis (hand-written, kept across runs)

${NOTES_START}
${notes}
${NOTES_END}
`;
}
