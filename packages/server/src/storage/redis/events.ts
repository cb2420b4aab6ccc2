import type { Redis } from 'ioredis';
import type { QrSessionRecord, SessionEvents, SessionListener } from '../../domain/ports.js';
import { LocalSessionEvents } from '../local-events.js';
import { guard } from './connection.js';
import type { KeySpace } from './keys.js';

/**
 * Session changes over Redis pub/sub, so a page waiting on one instance hears
 * a phone that reached another. Each change is published, as the whole record
 * in JSON, on the session's own channel (`{prefix}ev:{random}`).
 *
 * Each process has one subscriber connection holding ONE pattern subscription
 * (`{prefix}ev:*`) and fans messages out to local listeners by random. Chosen
 * over a SUBSCRIBE per waiting page because:
 * - `subscribe()` stays purely local and synchronous, so a message published
 *   after it returns is never lost waiting for a SUBSCRIBE to be acknowledged
 *   (SessionWatch subscribes and then reads the state, relying on exactly that);
 * - 10,000 waiting pages cost a Map entry each, not 10,000 SUBSCRIBE and
 *   UNSUBSCRIBE round trips through one connection (pages long-poll, so they
 *   come and go all the time), and nothing to replay after a reconnect
 *   beyond the one PSUBSCRIBE that ioredis re-sends by itself.
 * The price: every instance receives every change, including those nobody
 * there waits on. Changes are a few per login and the random is read from the
 * channel name, so such messages are dropped without parsing. Should that
 * traffic ever matter, publishers need not change: only this class would move
 * to per-random SUBSCRIBE.
 *
 * Pub/sub is at-most-once: a change published while Redis is away is lost.
 * Waiting pages time out and re-read the state, which is authoritative.
 */
export class RedisSessionEvents implements SessionEvents {
  /** This process's waiting pages; Redis messages are handed to them. */
  readonly #local = new LocalSessionEvents();
  #publishFailing = false;

  constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    private readonly keys: KeySpace,
    private readonly report: (line: string) => void,
  ) {
    subscriber.on('pmessage', (_pattern: string, channel: string, message: string) =>
      this.#deliver(channel, message),
    );
  }

  /** Subscribes the connection to every session's channel; awaited once when opening. */
  async start(): Promise<void> {
    await guard(() => this.subscriber.psubscribe(this.keys.channelPattern));
  }

  /** Fire and forget: the write already happened, so a failure is reported, never thrown. */
  publish(session: QrSessionRecord): void {
    try {
      this.publisher.publish(this.keys.channel(session.random), JSON.stringify(session)).then(
        () => {
          this.#publishFailing = false;
        },
        (err: unknown) => this.#publishFailed(err),
      );
    } catch (err) {
      this.#publishFailed(err);
    }
  }

  subscribe(random: string, listener: SessionListener): () => void {
    return this.#local.subscribe(random, listener);
  }

  /** Number of codes somebody here is waiting on (for tests and metrics). */
  get watchedCount(): number {
    return this.#local.watchedCount;
  }

  #deliver(channel: string, message: string): void {
    const prefix = this.keys.channelPrefix;
    if (!channel.startsWith(prefix) || !this.#local.isWatched(channel.slice(prefix.length))) return;
    let session: QrSessionRecord;
    try {
      session = JSON.parse(message);
    } catch {
      return;
    }
    this.#local.publish(session);
  }

  #publishFailed(err: unknown): void {
    // One line per run of failures; while Redis is down the connection has
    // said so already. The message names no session and carries no record.
    if (this.#publishFailing) return;
    this.#publishFailing = true;
    this.report(`redis: a session change was not published: ${err instanceof Error ? err.message : 'error'}`);
  }
}
