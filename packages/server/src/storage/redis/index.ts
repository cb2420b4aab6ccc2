/**
 * The Redis adapter for the hot, short-lived half of storage: QR sessions,
 * throttling counters and session events, shared by every instance of the
 * service. The durable half (directory, keys, audit, web sessions) lives
 * elsewhere; compose the two into a `Storage`.
 *
 * Two connections per process: one for commands and publishing, one in
 * subscriber mode for events (a subscribed connection can run nothing else).
 */
import { StorageUnavailableError } from '../../domain/ports.js';
import { connect, disconnect, guard, whenReady } from './connection.js';
import { RedisCounters } from './counters.js';
import { RedisSessionEvents } from './events.js';
import { KeySpace } from './keys.js';
import { RedisOidcArtifacts } from './oidc.js';
import { defineScripts } from './scripts.js';
import { RedisSessions } from './sessions.js';

export { RedisCounters } from './counters.js';
export { RedisSessionEvents } from './events.js';
export { RedisSessions } from './sessions.js';

export interface OpenRedisOptions {
  /** Prefix of every key and channel (default `scanlogin:`); instances sharing data must agree on it. */
  keyPrefix?: string;
  /** How long keys outlive the moment their record becomes useless, in ms (default 60 s). */
  graceMs?: number;
  /** Per attempt (default 2 s; 0: no limit); reconnection goes on forever after the first connection. */
  connectTimeoutMs?: number;
  /** A command without a reply fails after this long (default 2 s; 0: no limit). */
  commandTimeoutMs?: number;
  /** How long `openRedis` waits for the first connection before failing (default 5 s; 0: no limit). */
  startupTimeoutMs?: number;
  /** Where lost/restored connection lines go (default stderr). They never carry keys or records. */
  report?: (line: string) => void;
}

export interface RedisHotStorage {
  sessions: RedisSessions;
  counters: RedisCounters;
  events: RedisSessionEvents;
  oidc: RedisOidcArtifacts;
  /** Both connections answer (for /health); rejects with StorageUnavailableError otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Connects to Redis at `url` (`redis://[:password@]host:port[/db]`). Resolves
 * once both connections are up and the events are subscribed; rejects with
 * StorageUnavailableError if Redis cannot be reached within the startup
 * timeout. After that, the objects survive Redis outages: calls fail fast with
 * StorageUnavailableError while it is away and work again when it is back.
 */
export async function openRedis(url: string, opts: OpenRedisOptions = {}): Promise<RedisHotStorage> {
  const keys = new KeySpace(opts.keyPrefix ?? 'scanlogin:');
  const graceMs = opts.graceMs ?? 60_000;
  const report = opts.report ?? ((line: string) => process.stderr.write(`${line}\n`));
  // Until the first connection, a failure is the start's own error (one line, by the caller):
  // the outage lines begin once there is something to lose.
  let opened = false;
  const settings = {
    connectTimeoutMs: opts.connectTimeoutMs ?? 2000,
    commandTimeoutMs: opts.commandTimeoutMs ?? 2000,
    report: (line: string) => {
      if (opened) report(line);
    },
  };
  const commands = connect(url, 'commands', settings);
  const subscriber = connect(url, 'events', settings);
  const closeAll = () => Promise.all([disconnect(commands), disconnect(subscriber)]).then(() => {});

  const redis = defineScripts(commands);
  const events = new RedisSessionEvents(commands, subscriber, keys, settings.report);
  try {
    const startup = opts.startupTimeoutMs ?? 5000;
    await Promise.all([whenReady(commands, startup), whenReady(subscriber, startup)]);
    await events.start();
    opened = true;
  } catch (err) {
    await closeAll();
    throw err instanceof StorageUnavailableError ? err : new StorageUnavailableError('redis', err);
  }

  return {
    sessions: new RedisSessions(redis, keys, graceMs),
    counters: new RedisCounters(redis, keys, graceMs),
    events,
    oidc: new RedisOidcArtifacts(commands, keys, graceMs),
    async ping() {
      // The subscriber answers PING even in subscriber mode; a dead one means lost events.
      await guard(() => Promise.all([commands.ping(), subscriber.ping()]));
    },
    close: closeAll,
  };
}
