/** QR sessions in SQLite: each transition and consumption is one atomic UPDATE. */
import type Database from 'better-sqlite3';
import type {
  ConsumedTicket,
  PublicIdRotation,
  QrSessionRecord,
  QrSessionStore,
  StoredStatus,
  SweepResult,
  TransitionRequest,
} from '../../domain/ports.js';
import type { Row } from '../rows.js';
import { json, parseObj, writeUnique } from './db.js';
import type { GroupCommit } from './group-commit.js';

/** Only SQLite keeps QR sessions in rows (Redis has its own encoding): the mapping lives here. */
function toSession(r: Row): QrSessionRecord {
  return {
    random: r.random as string,
    publicId: r.public_id as string,
    publicIdExpiresAt: (r.public_id_expires_at as number | null) ?? null,
    appId: r.app_id as string,
    poolId: r.pool_id as string,
    status: r.status as StoredStatus,
    createdAt: r.created_at as number,
    expiresAt: r.expires_at as number,
    customData: r.custom_data == null ? null : parseObj(r.custom_data),
    userId: (r.user_id as string | null) ?? null,
    ticket: (r.ticket as string | null) ?? null,
    ticketExpiresAt: (r.ticket_expires_at as number | null) ?? null,
    ticketUsed: r.ticket_used === 1,
    seq: r.seq as number,
    requestContext: r.request_context == null ? null : JSON.parse(r.request_context as string),
    checkCode: (r.check_code as number | null) ?? null,
    checkChoices: r.check_choices == null ? null : JSON.parse(r.check_choices as string),
    bindingHash: (r.binding_hash as string | null) ?? null,
  };
}

export class SqliteSessions implements QrSessionStore {
  readonly #s;
  constructor(
    db: Database.Database,
    private readonly writes: GroupCommit,
  ) {
    this.#s = {
      insert: db.prepare(
        `INSERT INTO qr_sessions (random, app_id, pool_id, status, created_at, expires_at, custom_data, user_id,
          ticket, ticket_expires_at, ticket_used, seq, request_context, check_code, check_choices, binding_hash,
          public_id, public_id_expires_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      get: db.prepare('SELECT * FROM qr_sessions WHERE random = ?'),
      byPublicId: db.prepare('SELECT * FROM qr_sessions WHERE public_id = ?'),
      rotate: db.prepare(
        `UPDATE qr_sessions SET public_id = @publicId, public_id_expires_at = @publicIdExpiresAt
         WHERE random = @random AND status = 0 AND expires_at > @now
         RETURNING *`,
      ),
      // The whole compare-and-set is this one statement.
      transition: db.prepare(
        `UPDATE qr_sessions SET status = @to, seq = seq + 1,
           user_id = CASE WHEN @setUser THEN @userId ELSE user_id END,
           ticket = CASE WHEN @setTicket THEN @ticket ELSE ticket END,
           ticket_expires_at = CASE WHEN @setTicket THEN @ticketExpiresAt ELSE ticket_expires_at END
         WHERE random = @random AND (status = @from OR status = @fromAlt) AND expires_at > @now
           AND (@expectUserId IS NULL OR user_id = @expectUserId)
           AND (@guardCheckCode = 0 OR check_code IS NULL OR check_code = @checkCode)
         RETURNING *`,
      ),
      peek: db.prepare(
        'SELECT app_id, random FROM qr_sessions WHERE ticket = ? AND ticket_used = 0 AND ticket_expires_at > ?',
      ),
      consume: db.prepare(
        `UPDATE qr_sessions SET ticket_used = 1
         WHERE ticket = ? AND app_id = ? AND ticket_used = 0 AND ticket_expires_at > ?
         RETURNING random, app_id, pool_id, user_id`,
      ),
      // Codes still waiting for a scan or a decision: pending (0), scanned (1), step-up (4).
      countWaiting: db.prepare(
        'SELECT COUNT(*) AS n FROM qr_sessions WHERE expires_at > ? AND status IN (0, 1, 4)',
      ),
      countExpiredUndecided: db.prepare(
        'SELECT COUNT(*) AS n FROM qr_sessions WHERE expires_at <= ? AND status IN (0, 1, 4)',
      ),
      // A session is useless once its code expired and its ticket (if any) expired or was used.
      deleteExpired: db.prepare(
        `DELETE FROM qr_sessions WHERE expires_at <= @now
           AND (ticket_expires_at IS NULL OR ticket_expires_at <= @now OR ticket_used = 1)`,
      ),
    };
  }
  createSession(s: QrSessionRecord): Promise<void> {
    return writeUnique(this.writes, () => {
      this.#s.insert.run(
        s.random,
        s.appId,
        s.poolId,
        s.status,
        s.createdAt,
        s.expiresAt,
        s.customData ? json(s.customData) : null,
        s.userId,
        s.ticket,
        s.ticketExpiresAt,
        s.ticketUsed ? 1 : 0,
        s.seq,
        s.requestContext ? json(s.requestContext) : null,
        s.checkCode,
        s.checkChoices ? json(s.checkChoices) : null,
        s.bindingHash,
        s.publicId,
        s.publicIdExpiresAt,
      );
    });
  }
  async getSession(random: string): Promise<QrSessionRecord | null> {
    const r = this.#s.get.get(random) as Row | undefined;
    return r ? toSession(r) : null;
  }
  async findByPublicId(publicId: string): Promise<QrSessionRecord | null> {
    const r = this.#s.byPublicId.get(publicId) as Row | undefined;
    return r ? toSession(r) : null;
  }
  rotatePublicId(random: string, next: PublicIdRotation): Promise<QrSessionRecord | null> {
    return writeUnique(this.writes, () => {
      const r = this.#s.rotate.get({ random, ...next }) as Row | undefined;
      return r ? toSession(r) : null;
    });
  }
  transition(random: string, req: TransitionRequest): Promise<QrSessionRecord | null> {
    // A clash here is a ticket already held by another session.
    return writeUnique(this.writes, () => {
      // The statement compares with two statuses; no rule of the transitions table has more.
      if (Array.isArray(req.from) && req.from.length > 2)
        throw new Error('transition: at most two from-statuses');
      const r = this.#run(random, req, req.set ?? {});
      return r ? toSession(r) : null;
    });
  }
  #run(random: string, req: TransitionRequest, set: NonNullable<TransitionRequest['set']>): Row | undefined {
    return this.#s.transition.get({
      random,
      // Each rule starts from one or two statuses (see the transitions table).
      from: Array.isArray(req.from) ? req.from[0] : req.from,
      fromAlt: Array.isArray(req.from) ? (req.from[1] ?? req.from[0]) : req.from,
      to: req.to,
      now: req.now,
      expectUserId: req.expectUserId ?? null,
      guardCheckCode: 'checkCode' in req ? 1 : 0,
      checkCode: req.checkCode ?? null,
      setUser: 'userId' in set ? 1 : 0,
      userId: set.userId ?? null,
      setTicket: 'ticket' in set ? 1 : 0,
      ticket: set.ticket ?? null,
      ticketExpiresAt: set.ticketExpiresAt ?? null,
    }) as Row | undefined;
  }
  async peekTicket(ticket: string, now: number): Promise<{ appId: string; random: string } | null> {
    const r = this.#s.peek.get(ticket, now) as Row | undefined;
    return r ? { appId: r.app_id as string, random: r.random as string } : null;
  }
  consumeTicket(ticket: string, appId: string, now: number): Promise<ConsumedTicket | null> {
    return this.writes.run(() => {
      const r = this.#s.consume.get(ticket, appId, now) as Row | undefined;
      return r
        ? {
            random: r.random as string,
            appId: r.app_id as string,
            poolId: r.pool_id as string,
            userId: r.user_id as string,
          }
        : null;
    });
  }
  deleteExpired(now: number): Promise<SweepResult> {
    return this.writes.run(() => {
      // Undecided codes have no ticket, so the DELETE below takes every one of them counted here.
      const expiredUndecided = (this.#s.countExpiredUndecided.get(now) as { n: number }).n;
      return { removed: this.#s.deleteExpired.run({ now }).changes, expiredUndecided };
    });
  }

  async countWaiting(now: number): Promise<number> {
    return (this.#s.countWaiting.get(now) as { n: number }).n;
  }
}
