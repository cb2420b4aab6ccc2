/**
 * A small keep-alive JSON client for the setup steps (creating codes,
 * approving them, reading tickets). Setup is not measured, but it creates tens
 * of thousands of objects, so it reuses connections and runs many requests at
 * once instead of one fetch at a time.
 */
import http from 'node:http';

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

export interface JsonAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  // biome-ignore lint/suspicious/noExplicitAny: answers of several services, read field by field
  body: any;
}

export function request(
  base: string,
  method: string,
  path: string,
  opts: { headers?: Record<string, string>; body?: unknown; form?: Record<string, string> } = {},
): Promise<JsonAnswer> {
  const headers: Record<string, string> = { ...opts.headers };
  let payload: string | undefined;
  if (opts.form) {
    payload = new URLSearchParams(opts.form).toString();
    headers['content-type'] = 'application/x-www-form-urlencoded';
  } else if (opts.body !== undefined) {
    payload = JSON.stringify(opts.body);
    headers['content-type'] = 'application/json';
  }
  if (payload !== undefined) headers['content-length'] = String(Buffer.byteLength(payload));
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(path, base), { method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // Not JSON: keep the text for the error message.
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** Like `request`, but expects our envelope with code 200 and returns its data. */
// biome-ignore lint/suspicious/noExplicitAny: see JsonAnswer
export async function ok(answer: Promise<JsonAnswer>, what: string): Promise<any> {
  const a = await answer;
  if (a.status >= 300 || a.body?.code !== 200) {
    throw new Error(`${what}: HTTP ${a.status} ${JSON.stringify(a.body).slice(0, 300)}`);
  }
  return a.body.data;
}

/** Runs `fn` over `items` with at most `limit` calls in flight; keeps the order of results. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T, i: number) => Promise<R>) {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Closes the idle keep-alive sockets so the process can exit. */
export function closeClient(): void {
  agent.destroy();
}
