/**
 * Where everything lives in Redis, under one prefix (default `scanlogin:`) so
 * several deployments or test runs can share a server:
 *
 *   {p}qr:s:{random}      hash    one QR session, a field per record property
 *   {p}qr:p:{publicId}    string  → random (the id printed in the QR code)
 *   {p}qr:t:{ticket}      string  → random (the ticket the page redeems)
 *   {p}qr:expiry          zset    random scored by when nobody can use it any more
 *   {p}qr:open            zset    random of each code waiting for a scan or a decision, scored by its expiry
 *   {p}ctr:{key}          hash    one fixed-window counter: count, resetAt
 *   {p}ev:{random}        channel status changes of one session (pub/sub)
 *
 * The three `qr:` namespaces are separate because a public id usually equals
 * its random, and a ticket could in principle collide with either.
 *
 * The Lua scripts derive index keys from the prefix (passed as ARGV[1]) rather
 * than declaring them all in KEYS, because they are only known once the
 * session has been read. That is fine on a single Redis (or a Sentinel-managed
 * primary) but not on Redis Cluster, where the keys of one script must share a
 * slot; this adapter does not support Cluster.
 */
export class KeySpace {
  constructor(readonly prefix: string) {}

  session(random: string): string {
    return `${this.prefix}qr:s:${random}`;
  }
  publicId(publicId: string): string {
    return `${this.prefix}qr:p:${publicId}`;
  }
  ticket(ticket: string): string {
    return `${this.prefix}qr:t:${ticket}`;
  }
  get expiry(): string {
    return `${this.prefix}qr:expiry`;
  }
  /** Codes still waiting (status 0, 1 or 4) by expiry: counted for metrics, pruned by the sweep. */
  get open(): string {
    return `${this.prefix}qr:open`;
  }
  counter(key: string): string {
    return `${this.prefix}ctr:${key}`;
  }
  channel(random: string): string {
    return `${this.prefix}ev:${random}`;
  }
  /** Everything before the random in a channel name. */
  get channelPrefix(): string {
    return `${this.prefix}ev:`;
  }
  /** PSUBSCRIBE pattern matching every session's channel (glob characters of the prefix escaped). */
  get channelPattern(): string {
    return `${this.channelPrefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
  }
}
