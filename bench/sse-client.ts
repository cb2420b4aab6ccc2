/**
 * The waiting pages: holds many Server-Sent Events streams (one connection
 * each, as separate browsers would) in a process of its own. Reads its job
 * from a JSON file and talks in JSON lines on stdout.
 *   node --import tsx bench/sse-client.ts <job.json>
 *
 * mode "hold":    opens every stream, waits for each one's first event,
 *                 prints {"event":"ready"}, then holds them until "close" on stdin.
 * mode "latency": opens every stream, then sends the triggers (our confirm
 *                 calls, or the bare server's trigger) and times each one from
 *                 the moment it is sent to the moment its stream delivers the
 *                 event with `expectStatus`; prints {"event":"result"}.
 *
 * Sending and receiving happen in this one process, so both ends of every
 * interval are read from the same monotonic clock.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { createInterface } from 'node:readline';

export interface SseTrigger {
  method: 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface SseJob {
  base: string;
  mode: 'hold' | 'latency';
  /** Stream paths, one connection each. */
  streams: string[];
  /** Streams opened at once while connecting. */
  openConcurrency: number;
  /** The `status` in an event's data that counts as "notified". */
  expectStatus?: number;
  /** One trigger per stream, same order (each confirm notifies its own page). */
  triggers?: SseTrigger[];
  /** Or one request that notifies every stream at once (the bare broadcast). */
  triggerAll?: SseTrigger;
  /** Triggers in flight at once. */
  concurrency?: number;
}

export interface SseReady {
  event: 'ready';
  opened: number;
  failed: number;
  openSeconds: number;
  firstError?: string;
}

export interface SseResult {
  event: 'result';
  /** Milliseconds from trigger sent to event received, per stream that got it. */
  notify: number[];
  /** Milliseconds from trigger sent to its HTTP answer. */
  response: number[];
  missed: number;
  triggerErrors: number;
  firstError?: string;
}

const job = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as SseJob;
const say = (msg: object) => process.stdout.write(`${JSON.stringify(msg)}\n`);

interface Stream {
  req: http.ClientRequest;
  /** Resolves at the first event (the state the page starts from). */
  opened: Promise<void>;
  /** performance.now() when the expected status arrived. */
  notifiedAt: number | null;
  onNotified: (() => void) | null;
}

/** Pulls `data:` payloads out of SSE text; returns the unparsed remainder. */
function frames(buffer: string, onData: (data: string) => void): string {
  let end = buffer.indexOf('\n\n');
  while (end >= 0) {
    const frame = buffer.slice(0, end);
    buffer = buffer.slice(end + 2);
    const data = frame
      .split('\n')
      .filter((l) => l.startsWith('data:'))
      .map((l) => l.slice(5).trimStart())
      .join('\n');
    if (data) onData(data);
    end = buffer.indexOf('\n\n');
  }
  return buffer;
}

function openStream(path: string): Stream {
  let resolveOpen!: () => void;
  let rejectOpen!: (e: Error) => void;
  const opened = new Promise<void>((res, rej) => {
    resolveOpen = res;
    rejectOpen = rej;
  });
  // agent: false — one socket per stream, never shared, like separate browsers.
  const req = http.get(new URL(path, job.base), { agent: false }, (res) => {
    if (res.statusCode !== 200) {
      res.resume();
      rejectOpen(new Error(`HTTP ${res.statusCode} for ${path}`));
      return;
    }
    res.setEncoding('utf8');
    let buffer = '';
    let first = true;
    res.on('data', (chunk: string) => {
      buffer = frames(buffer + chunk, (data) => {
        if (first) {
          first = false;
          resolveOpen();
        }
        let status: unknown;
        try {
          status = (JSON.parse(data) as { status?: unknown }).status;
        } catch {
          return;
        }
        if (status === job.expectStatus && stream.notifiedAt === null) {
          stream.notifiedAt = performance.now();
          stream.onNotified?.();
        }
      });
    });
    res.on('error', () => {});
  });
  req.on('error', (e) => rejectOpen(e));
  const stream: Stream = { req, opened, notifiedAt: null, onNotified: null };
  return stream;
}

async function openAll(): Promise<{ streams: (Stream | null)[]; ready: SseReady }> {
  const started = performance.now();
  const streams: (Stream | null)[] = new Array(job.streams.length).fill(null);
  let failed = 0;
  let firstError: string | undefined;
  let next = 0;
  const worker = async () => {
    while (next < job.streams.length) {
      const i = next++;
      const s = openStream(job.streams[i]!);
      try {
        await s.opened;
        streams[i] = s;
      } catch (e) {
        failed++;
        firstError ??= String(e);
        s.req.destroy();
      }
    }
  };
  await Promise.all(Array.from({ length: job.openConcurrency }, worker));
  const ready: SseReady = {
    event: 'ready',
    opened: streams.filter(Boolean).length,
    failed,
    openSeconds: (performance.now() - started) / 1000,
    ...(firstError ? { firstError } : {}),
  };
  return { streams, ready };
}

const triggerAgent = new http.Agent({ keepAlive: true, maxSockets: job.concurrency ?? 1 });

/** Sends one trigger; resolves with its status code once the answer has been read. */
function send(t: SseTrigger): Promise<number> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...t.headers };
    if (t.body !== undefined) {
      headers['content-type'] ??= 'application/json';
      headers['content-length'] = String(Buffer.byteLength(t.body));
    }
    const req = http.request(
      new URL(t.path, job.base),
      { method: t.method, headers, agent: triggerAgent },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(t.body);
  });
}

const waitNotified = (s: Stream, timeoutMs: number) =>
  new Promise<void>((resolve) => {
    if (s.notifiedAt !== null) return resolve();
    const timer = setTimeout(resolve, timeoutMs);
    s.onNotified = () => {
      clearTimeout(timer);
      resolve();
    };
  });

async function latency(streams: (Stream | null)[]): Promise<SseResult> {
  const notify: number[] = [];
  const response: number[] = [];
  let missed = 0;
  let triggerErrors = 0;
  let firstError: string | undefined;
  if (job.triggerAll) {
    // One request notifies every page: all intervals start at the same instant.
    const live = streams.filter((s): s is Stream => s !== null);
    const t0 = performance.now();
    const status = await send(job.triggerAll);
    response.push(performance.now() - t0);
    if (status >= 300) triggerErrors++;
    await Promise.all(live.map((s) => waitNotified(s, 30_000)));
    for (const s of live) {
      if (s.notifiedAt === null) missed++;
      else notify.push(s.notifiedAt - t0);
    }
  } else {
    const triggers = job.triggers ?? [];
    let next = 0;
    const worker = async () => {
      while (next < triggers.length) {
        const i = next++;
        const s = streams[i];
        if (!s) continue;
        const t0 = performance.now();
        try {
          const [status] = await Promise.all([
            send(triggers[i]!).then((code) => {
              response.push(performance.now() - t0);
              return code;
            }),
            waitNotified(s, 30_000),
          ]);
          if (status >= 300) {
            triggerErrors++;
            firstError ??= `trigger answered HTTP ${status}`;
          }
        } catch (e) {
          triggerErrors++;
          firstError ??= String(e);
        }
        if (s.notifiedAt === null) missed++;
        else notify.push(s.notifiedAt - t0);
      }
    };
    await Promise.all(Array.from({ length: job.concurrency ?? 1 }, worker));
  }
  return { event: 'result', notify, response, missed, triggerErrors, ...(firstError ? { firstError } : {}) };
}

const { streams, ready } = await openAll();
say(ready);
if (job.mode === 'latency') {
  say(await latency(streams));
  for (const s of streams) s?.req.destroy();
  triggerAgent.destroy();
  process.exit(0);
}
// hold: keep every stream open until told to close.
const rl = createInterface({ input: process.stdin });
rl.on('line', (line) => {
  if (line.trim() !== 'close') return;
  for (const s of streams) s?.req.destroy();
  say({ event: 'closed' });
  process.exit(0);
});
