import { QrStatus } from '@scanlogin/protocol';
import type {
  ConsumedTicket,
  PublicIdRotation,
  QrSessionRecord,
  QrSessionStore,
  SweepResult,
  TransitionRequest,
} from '../domain/ports.js';

/**
 * A session store that also remembers, in this process's memory, which codes
 * are still waiting untouched (status 0, nothing happened yet) and until when.
 * That is the answer to nearly every poll: a page asks every 800 ms, and a
 * code spends most of its life unscanned. Reading it from a Map instead of
 * the database is what brings polling near the cost of a bare route.
 *
 * Only correct when every write to the sessions passes through this object,
 * which is what the embedded mode guarantees (one process owns its SQLite
 * file). A shared store (Redis) must not be wrapped: another instance's scan
 * would go unseen here.
 *
 * Each entry is a key and a number (about 100 bytes); entries leave when the
 * code is touched by any transition, fails one, or expires.
 */
export class WaitingCodesMirror implements QrSessionStore {
  readonly #until = new Map<string, number>();

  constructor(private readonly inner: QrSessionStore) {}

  waitingUntil(random: string, now: number): number | undefined {
    const until = this.#until.get(random);
    if (until === undefined || until > now) return until;
    this.#until.delete(random); // expired: the record answers from now on
    return undefined;
  }

  /** How many codes are remembered (for tests and diagnostics). */
  get size(): number {
    return this.#until.size;
  }

  async createSession(session: QrSessionRecord): Promise<void> {
    await this.inner.createSession(session);
    if (session.status === QrStatus.Pending && session.seq === 0)
      this.#until.set(session.random, session.expiresAt);
  }

  getSession(random: string): Promise<QrSessionRecord | null> {
    return this.inner.getSession(random);
  }

  findByPublicId(publicId: string): Promise<QrSessionRecord | null> {
    return this.inner.findByPublicId(publicId);
  }

  async rotatePublicId(random: string, next: PublicIdRotation): Promise<QrSessionRecord | null> {
    const rotated = await this.inner.rotatePublicId(random, next);
    // A new public id changes neither status nor expiry; a refusal means the code is no longer waiting.
    if (!rotated) this.#until.delete(random);
    return rotated;
  }

  async transition(random: string, req: TransitionRequest): Promise<QrSessionRecord | null> {
    // Forgotten before the write: a poll racing with it then reads the record, never a stale entry.
    this.#until.delete(random);
    return this.inner.transition(random, req);
  }

  peekTicket(ticket: string, now: number): Promise<{ appId: string; random: string } | null> {
    return this.inner.peekTicket(ticket, now);
  }

  consumeTicket(ticket: string, appId: string, now: number): Promise<ConsumedTicket | null> {
    return this.inner.consumeTicket(ticket, appId, now);
  }

  async deleteExpired(now: number): Promise<SweepResult> {
    for (const [random, until] of this.#until) if (until <= now) this.#until.delete(random);
    return this.inner.deleteExpired(now);
  }

  countWaiting(now: number): Promise<number> {
    return this.inner.countWaiting(now);
  }
}
