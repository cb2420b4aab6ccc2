/**
 * A minimal Server-Sent Events reader over fetch, for tests: one frame per
 * `next()`, null when the stream ends (or breaks: a killed server).
 */
import assert from 'node:assert/strict';

export interface SseFrame {
  id: string | null;
  event: string | null;
  // biome-ignore lint/suspicious/noExplicitAny: frames are JSON read by tests
  data: any;
}

export interface SseStream {
  res: Response;
  next(): Promise<SseFrame | null>;
  /** The next frame whose data satisfies `match`, or null if the stream ends first. */
  until(match: (frame: SseFrame) => boolean): Promise<SseFrame | null>;
  close(): Promise<void>;
  /** Whether the stream has sent a `retry:` reconnection delay so far. */
  sawRetry(): boolean;
}

export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseStream> {
  const aborter = new AbortController();
  const res = await fetch(url, { headers, signal: aborter.signal });
  assert.equal(res.status, 200, `SSE ${url} answered ${res.status}`);
  assert.ok(res.body);
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let sawRetry = false;
  const next = async (): Promise<SseFrame | null> => {
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const frame: SseFrame = { id: null, event: null, data: undefined };
        let hasData = false;
        for (const line of block.split('\n')) {
          if (line.startsWith('retry:')) sawRetry = true;
          else if (line.startsWith('id: ')) frame.id = line.slice(4);
          else if (line.startsWith('event: ')) frame.event = line.slice(7);
          else if (line.startsWith('data: ')) {
            frame.data = JSON.parse(line.slice(6));
            hasData = true;
          }
        }
        if (hasData) return frame;
        continue; // the retry hint or a heartbeat comment
      }
      let chunk: ReadableStreamReadResult<string>;
      try {
        chunk = await reader.read();
      } catch {
        return null; // the connection broke
      }
      if (chunk.done) return null;
      buffer += chunk.value;
    }
  };
  return {
    res,
    next,
    async until(match) {
      for (;;) {
        const frame = await next();
        if (frame === null || match(frame)) return frame;
      }
    },
    async close() {
      aborter.abort();
      await reader.cancel().catch(() => {});
    },
    sawRetry: () => sawRetry,
  };
}
