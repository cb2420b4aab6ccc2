import { Redis, type RedisOptions, ReplyError } from 'ioredis';
import { ConflictError, StorageUnavailableError } from '../../domain/ports.js';

export interface ConnectionSettings {
  /** Connection attempts give up after this long (then the next one starts); 0: no limit. */
  connectTimeoutMs: number;
  /** A command without a reply after this long fails, so a stalled server cannot hang a request; 0: no limit. */
  commandTimeoutMs: number;
  /** Receives one line when a connection is lost and one when it is back; never keys or records. */
  report: (line: string) => void;
}

/** Reconnect forever, quickly at first, then once a second (plus jitter so instances do not march in step). */
export const reconnectDelay = (attempt: number): number =>
  Math.min(attempt * 100, 1000) + Math.floor(Math.random() * 50);

/**
 * Opens one connection that fails fast while Redis is away instead of queueing:
 * a request should get a 503 at once, not wait in a queue that replays writes
 * minutes later. Concretely:
 * - `enableOfflineQueue: false`: a command sent while disconnected is rejected at once;
 * - `maxRetriesPerRequest: 0`: commands in flight when the connection drops are
 *   rejected at the first reconnect attempt rather than resent;
 * - `autoResendUnfulfilledCommands: false`: never replay a script whose reply was lost
 *   (it may have run; the caller sees an error and re-reads);
 * - `retryStrategy`: keeps reconnecting forever, so the same objects work again
 *   when Redis is back; a subscriber connection re-subscribes by itself then
 *   (`autoResubscribe`, on by default).
 */
export function connect(url: string, name: string, settings: ConnectionSettings): Redis {
  const options: RedisOptions = {
    connectionName: `scanlogin-${name}`,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    retryStrategy: reconnectDelay,
    connectTimeout: settings.connectTimeoutMs,
    // ioredis takes any number as a limit, 0 included.
    ...(settings.commandTimeoutMs > 0 ? { commandTimeout: settings.commandTimeoutMs } : {}),
  };
  const redis = new Redis(url, options);
  // Without an 'error' listener ioredis reports every failed attempt itself;
  // with it, one line per outage. Nothing here can throw into the process.
  let down = false;
  redis.on('error', (err: Error) => {
    if (down) return;
    down = true;
    settings.report(`redis (${name}) unavailable: ${err.message}`);
  });
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    settings.report(`redis (${name}) available again`);
  });
  return redis;
}

/** Resolves when the connection is ready; rejects with the last error after `timeoutMs` (0: waits on). */
export function whenReady(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    let lastError: unknown = new Error(`no connection within ${timeoutMs} ms`);
    const onError = (err: unknown) => {
      lastError = err;
    };
    const done = (err?: unknown) => {
      if (timer) clearTimeout(timer);
      redis.off('ready', onReady);
      redis.off('error', onError);
      if (err) reject(err);
      else resolve();
    };
    const onReady = () => done();
    const timer = timeoutMs > 0 ? setTimeout(() => done(lastError), timeoutMs) : null;
    redis.on('ready', onReady);
    redis.on('error', onError);
  });
}

/** Closes politely when connected, and in any case stops reconnecting. */
export async function disconnect(redis: Redis): Promise<void> {
  if (redis.status === 'ready') await redis.quit().catch(() => {});
  redis.disconnect();
}

/** Replies that mean "Redis cannot serve right now" rather than "this request is wrong". */
const UNAVAILABLE_REPLY = /^(LOADING|BUSY|MASTERDOWN|TRYAGAIN|READONLY|NOREPLICAS|OOM)\b/;

/**
 * Maps a failed command to the contract's errors: a script's `CONFLICT field`
 * to ConflictError, a connection failure (refused, closed, timed out, not
 * writable while reconnecting) or an unavailable server to
 * StorageUnavailableError. Other replies are bugs and stay as they are.
 */
export function mapRedisError(err: unknown): Error {
  if (err instanceof ReplyError) {
    const message = (err as Error).message;
    const conflict = /^CONFLICT (\w+)/.exec(message);
    if (conflict) return new ConflictError(conflict[1]!);
    if (UNAVAILABLE_REPLY.test(message)) return new StorageUnavailableError('redis', err);
    return err as Error;
  }
  return new StorageUnavailableError('redis', err);
}

/** Runs a command, rethrowing its failure as the contract's error. */
export async function guard<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw mapRedisError(err);
  }
}
