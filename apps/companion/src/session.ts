/**
 * The signed-in state kept on the phone (localStorage, so the app stays
 * signed in across launches), and the one call the app SDK does not offer
 * yet: the user's QR login history. (Check codes, the step-up and the
 * signed-in websites go through the SDK.)
 */
import { ScanloginError } from '@scanlogin/app-sdk';
import type { HistoryEntry } from './format.js';

export interface SavedSession {
  token: string;
  /** The user pool the token belongs to; the SDK names it on every call. */
  poolId: string;
  /** What the home screen greets the user with. */
  name: string;
  username: string | null;
}

export const SESSION_KEY = 'scanlogin.companion.session.v1';

type KeyValue = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

export function loadSession(store: KeyValue): SavedSession | null {
  let raw: string | null;
  try {
    raw = store.getItem(SESSION_KEY);
  } catch {
    return null; // storage disabled (private mode on some browsers)
  }
  if (!raw) return null;
  try {
    const v = JSON.parse(raw) as Partial<SavedSession>;
    if (typeof v.token !== 'string' || !v.token || typeof v.poolId !== 'string' || !v.poolId) return null;
    return {
      token: v.token,
      poolId: v.poolId,
      name: typeof v.name === 'string' && v.name ? v.name : 'you',
      username: typeof v.username === 'string' ? v.username : null,
    };
  } catch {
    return null;
  }
}

export function saveSession(store: KeyValue, s: SavedSession): void {
  try {
    store.setItem(SESSION_KEY, JSON.stringify(s));
  } catch {
    // Without storage the session lasts until the page closes.
  }
}

export function clearSession(store: KeyValue): void {
  try {
    store.removeItem(SESSION_KEY);
  } catch {
    // nothing stored
  }
}

export interface CallOptions {
  fetch?: typeof fetch;
  timeoutMs?: number;
}

/**
 * One call to the service with the app token, read like the app SDK reads
 * its answers: `data` of the `{code, message, data}` envelope, or a
 * `ScanloginError` (kinds `network`, `timeout`, `bad-response`, `server`).
 * For the calls the SDK does not offer yet.
 */
export async function callService<T>(
  host: string,
  token: string,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  opts: CallOptions = {},
): Promise<T> {
  const doFetch = opts.fetch ?? fetch.bind(globalThis);
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  const headers: Record<string, string> = { accept: 'application/json', authorization: `Bearer ${token}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  let text: string;
  try {
    res = await doFetch(`${host}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: controller.signal,
      cache: 'no-store',
    });
    text = await res.text();
  } catch (cause) {
    if (timedOut) {
      throw ScanloginError.client('timeout', `The service did not answer within ${timeoutMs} ms.`, { cause });
    }
    throw ScanloginError.client('network', 'The service cannot be reached.', { cause });
  } finally {
    clearTimeout(timer);
  }
  type Envelope = { code?: unknown; message?: unknown; data?: unknown };
  let envelope: Envelope | null = null;
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed === 'object' && parsed !== null) envelope = parsed as Envelope;
  } catch {
    envelope = null;
  }
  if (!envelope || typeof envelope.code !== 'number') {
    throw ScanloginError.client('bad-response', `HTTP ${res.status} without the JSON envelope.`, {
      status: res.status,
    });
  }
  if (envelope.code === 200 && res.ok) return envelope.data as T;
  throw new ScanloginError({
    kind: 'server',
    code: envelope.code,
    message: typeof envelope.message === 'string' ? envelope.message : `Error ${envelope.code}`,
    status: res.status,
    requestId: res.headers.get('x-request-id'),
    retryAfterSeconds: /^\d+$/.test(res.headers.get('retry-after') ?? '')
      ? Number(res.headers.get('retry-after'))
      : null,
  });
}

/** `GET /api/v2/qrcode/history`: the signed-in user's recent QR logins, newest first. */
export async function fetchHistory(
  host: string,
  token: string,
  opts: CallOptions = {},
): Promise<HistoryEntry[]> {
  const data = await callService<unknown>(host, token, 'GET', '/api/v2/qrcode/history', undefined, opts);
  if (!Array.isArray(data)) throw ScanloginError.client('bad-response', 'The history is not a list.');
  return data as HistoryEntry[];
}
