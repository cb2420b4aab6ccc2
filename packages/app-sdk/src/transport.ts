import { OK_CODE } from '@scanlogin/protocol';
import { ScanloginError } from './errors.js';

/** The part of `fetch` the SDK uses; pass any implementation with this shape. */
export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/** Per-call options of every method that talks to the service. */
export interface CallOptions {
  /** Aborts the call; it then fails with a `ScanloginError` of kind `aborted`. */
  signal?: AbortSignal;
}

export interface TransportConfig {
  /** Base URL without a trailing slash. */
  host: string;
  fetch: FetchLike;
  /** 0 disables the timeout. */
  timeoutMs: number;
}

export interface Request {
  method: 'GET' | 'POST' | 'DELETE';
  /** Path and query, starting with `/`. */
  path: string;
  headers: Record<string, string>;
  body?: unknown;
  signal?: AbortSignal | undefined;
}

/**
 * One call to the service: sends JSON, reads the `{code, message, data}`
 * envelope, returns `data` when `code` is 200 and throws `ScanloginError`
 * otherwise. Every failure, including "no answer", becomes a `ScanloginError`.
 */
export async function send<T>(cfg: TransportConfig, req: Request): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
  let body: string | undefined;
  if (req.body !== undefined) {
    body = JSON.stringify(req.body);
    headers['content-type'] = 'application/json';
  }

  // One controller for both the caller's signal and our timeout; AbortSignal.any
  // and AbortSignal.timeout are missing from React Native, so this is by hand.
  const controller = new AbortController();
  let timedOut = false;
  const onAbort = () => controller.abort();
  if (req.signal?.aborted) throw ScanloginError.client('aborted', 'The request was aborted.');
  req.signal?.addEventListener('abort', onAbort);
  const timer =
    cfg.timeoutMs > 0
      ? setTimeout(() => {
          timedOut = true;
          controller.abort();
        }, cfg.timeoutMs)
      : undefined;

  let res: Response;
  let text: string;
  try {
    res = await cfg.fetch(cfg.host + req.path, {
      method: req.method,
      headers,
      body,
      signal: controller.signal,
    });
    text = await res.text();
  } catch (cause) {
    if (req.signal?.aborted) throw ScanloginError.client('aborted', 'The request was aborted.', { cause });
    if (timedOut) {
      throw ScanloginError.client('timeout', `The service did not answer within ${cfg.timeoutMs} ms.`, {
        cause,
      });
    }
    throw ScanloginError.client('network', 'The service cannot be reached; check the network connection.', {
      cause,
    });
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    req.signal?.removeEventListener('abort', onAbort);
  }

  const requestId = res.headers.get('x-request-id');
  const envelope = readEnvelope(text);
  if (!envelope) {
    throw ScanloginError.client(
      'bad-response',
      `The service answered HTTP ${res.status} without its JSON envelope; is the host right?`,
      { status: res.status, requestId },
    );
  }
  if (envelope.code === OK_CODE && res.ok) return envelope.data as T;
  if (envelope.code === OK_CODE) {
    throw ScanloginError.client('bad-response', `The service answered HTTP ${res.status} with code 200.`, {
      status: res.status,
      requestId,
    });
  }
  throw new ScanloginError({
    kind: 'server',
    code: envelope.code,
    message: envelope.message || `The service refused the request (code ${envelope.code}).`,
    status: res.status,
    data: envelope.data,
    requestId,
    retryAfterSeconds: retryAfter(res.headers.get('retry-after')),
  });
}

function readEnvelope(text: string): { code: number; message: string; data: unknown } | null {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null) return null;
  const { code, message, data } = v as Record<string, unknown>;
  if (typeof code !== 'number' || !Number.isInteger(code)) return null;
  return { code, message: typeof message === 'string' ? message : '', data };
}

function retryAfter(header: string | null): number | null {
  if (!header || !/^\d+$/.test(header.trim())) return null;
  return Number(header.trim());
}
