/** Starts bench/sse-client.ts (the waiting pages) in its own process and follows its messages. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SseJob, SseReady, SseResult } from '../sse-client.js';
import { spawnNode, stopChild, tempDir } from './proc.js';

const dir = tempDir('sse');
let n = 0;

export interface SseClient {
  ready: Promise<SseReady>;
  result: Promise<SseResult>;
  /** Hold mode: closes every stream and waits for the client to exit. */
  close(): Promise<void>;
}

export function startSseClient(job: SseJob): SseClient {
  const file = join(dir, `sse-${++n}.json`);
  writeFileSync(file, JSON.stringify(job));
  let onReady!: (r: SseReady) => void;
  let onResult!: (r: SseResult) => void;
  const ready = new Promise<SseReady>((r) => {
    onReady = r;
  });
  const result = new Promise<SseResult>((r) => {
    onResult = r;
  });
  const child = spawnNode('SSE client', 'bench/sse-client.ts', [file], {
    // Thousands of sockets: more than the default soft limit of open files.
    raiseFdLimit: true,
    stdin: job.mode === 'hold',
    onLine: (line) => {
      if (!line.startsWith('{')) return;
      const msg = JSON.parse(line) as SseReady | SseResult;
      if (msg.event === 'ready') onReady(msg);
      if (msg.event === 'result') onResult(msg);
    },
  });
  // A client that dies early must not leave the benchmark waiting forever.
  const died = child.exited.then((code) => {
    throw new Error(`SSE client exited (${code}) early:\n${child.output()}`);
  });
  const readyOrDied = Promise.race([ready, died]);
  const resultOrDied = Promise.race([result, died]);
  // Marked handled here; whoever awaits them still gets the error (hold mode never awaits a result).
  for (const p of [died, readyOrDied, resultOrDied]) p.catch(() => {});
  return {
    ready: readyOrDied,
    result: resultOrDied,
    async close() {
      child.proc.stdin?.write('close\n');
      const timer = setTimeout(() => void stopChild(child, 'SIGKILL'), 15_000);
      await child.exited;
      clearTimeout(timer);
    },
  };
}
