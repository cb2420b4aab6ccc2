import { QrStatus } from '@scanlogin/protocol';
import type {
  ConsumedTicket,
  PublicIdRotation,
  QrSessionRecord,
  QrSessionStore,
  SweepResult,
  TransitionRequest,
} from '../../domain/ports.js';
import { decodeSession, decodeSessionReply, encodeField, encodeSession } from './codec.js';
import { guard } from './connection.js';
import type { KeySpace } from './keys.js';
import type { ScriptedRedis } from './scripts.js';

/** Sessions removed per script call by `deleteExpired`, so one call never holds Redis for long. */
const SWEEP_BATCH = 500;

/**
 * QR sessions in Redis, with the semantics of the SQLite adapter: the same
 * compare-and-set, the same unique public ids and tickets, expiry decided
 * from the caller's `now` and the stored times. See `keys.ts` for the layout
 * and `scripts.ts` for the atomic operations.
 */
export class RedisSessions implements QrSessionStore {
  constructor(
    private readonly redis: ScriptedRedis,
    private readonly keys: KeySpace,
    private readonly graceMs: number,
  ) {}

  async createSession(session: QrSessionRecord): Promise<void> {
    const { keys } = this;
    await guard(() =>
      this.redis.scanloginCreateSession(
        keys.session(session.random),
        keys.expiry,
        keys.prefix,
        this.graceMs,
        ...encodeSession(session),
      ),
    );
  }

  async getSession(random: string): Promise<QrSessionRecord | null> {
    return decodeSession(await guard(() => this.redis.hgetall(this.keys.session(random))));
  }

  async findByPublicId(publicId: string): Promise<QrSessionRecord | null> {
    const reply = await guard(() =>
      this.redis.scanloginFindByPublicId(this.keys.publicId(publicId), this.keys.prefix, publicId),
    );
    return decodeSessionReply(reply);
  }

  async rotatePublicId(random: string, next: PublicIdRotation): Promise<QrSessionRecord | null> {
    const { keys } = this;
    const reply = await guard(() =>
      this.redis.scanloginRotatePublicId(
        keys.session(random),
        keys.expiry,
        keys.prefix,
        this.graceMs,
        next.now,
        String(QrStatus.Pending),
        next.publicId,
        String(next.publicIdExpiresAt),
      ),
    );
    return decodeSessionReply(reply);
  }

  async transition(random: string, req: TransitionRequest): Promise<QrSessionRecord | null> {
    // The fields written with the status, as SQLite's statement does: `userId`
    // when named, `ticket` and `ticketExpiresAt` together when `ticket` is named.
    const set = req.set ?? {};
    const write: Record<string, string> = {};
    const clear: string[] = [];
    const put = <K extends 'userId' | 'ticket' | 'ticketExpiresAt'>(field: K, value: QrSessionRecord[K]) => {
      const encoded = encodeField(field, value);
      if (encoded === null) clear.push(field);
      else write[field] = encoded;
    };
    if ('userId' in set) put('userId', set.userId ?? null);
    if ('ticket' in set) {
      put('ticket', set.ticket ?? null);
      put('ticketExpiresAt', set.ticketExpiresAt ?? null);
    }
    const from = (Array.isArray(req.from) ? req.from : [req.from]) as readonly number[];
    const request = JSON.stringify({
      now: req.now,
      to: String(req.to),
      from: from.map(String),
      ...(req.expectUserId != null ? { expectUserId: req.expectUserId } : {}),
      // Encoded like the stored field, so the script compares two strings.
      ...('checkCode' in req ? { guardCheckCode: true } : {}),
      ...(req.checkCode != null ? { checkCode: encodeField('checkCode', req.checkCode) } : {}),
      write,
      clear,
    });
    const { keys } = this;
    const reply = await guard(() =>
      this.redis.scanloginTransition(keys.session(random), keys.expiry, keys.prefix, this.graceMs, request),
    );
    return decodeSessionReply(reply);
  }

  async peekTicket(ticket: string, now: number): Promise<{ appId: string; random: string } | null> {
    const reply = await guard(() =>
      this.redis.scanloginPeekTicket(this.keys.ticket(ticket), this.keys.prefix, ticket, now),
    );
    if (!Array.isArray(reply)) return null;
    return { appId: String(reply[0]), random: String(reply[1]) };
  }

  async consumeTicket(ticket: string, appId: string, now: number): Promise<ConsumedTicket | null> {
    const { keys } = this;
    const reply = await guard(() =>
      this.redis.scanloginConsumeTicket(
        keys.ticket(ticket),
        keys.expiry,
        keys.prefix,
        this.graceMs,
        ticket,
        appId,
        now,
      ),
    );
    if (!Array.isArray(reply)) return null;
    const [random, app, poolId, userId] = reply as (string | null)[];
    return { random: random!, appId: app!, poolId: poolId!, userId: userId as string };
  }

  async deleteExpired(now: number): Promise<SweepResult> {
    // One command, so concurrent sweeps of several instances each count a code at most once.
    const expiredUndecided = await guard(() => this.redis.zremrangebyscore(this.keys.open, '-inf', now));
    let removed = 0;
    for (;;) {
      const reply = await guard(() =>
        this.redis.scanloginDeleteExpired(this.keys.expiry, this.keys.prefix, now, SWEEP_BATCH),
      );
      const [deleted, visited] = reply as [number, number];
      removed += deleted;
      if (visited < SWEEP_BATCH) return { removed, expiredUndecided };
    }
  }

  countWaiting(now: number): Promise<number> {
    return guard(() => this.redis.zcount(this.keys.open, `(${now}`, '+inf'));
  }
}
