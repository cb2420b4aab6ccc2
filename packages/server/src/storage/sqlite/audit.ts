/** The QR login audit log, in SQLite. */
import type Database from 'better-sqlite3';
import type { AuditRecord, AuditStore } from '../../domain/ports.js';
import { type Row, rowsOf, sqliteDialect } from '../rows.js';
import { json } from './db.js';
import type { GroupCommit } from './group-commit.js';

const records = rowsOf(sqliteDialect);

export class SqliteAudit implements AuditStore {
  readonly #s;
  constructor(
    db: Database.Database,
    private readonly writes: GroupCommit,
  ) {
    this.#s = {
      append: db.prepare(
        `INSERT INTO qr_audit (id, at, pool_id, user_id, app_id, random, outcome, request_context, device_ip)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      byUser: db.prepare('SELECT * FROM qr_audit WHERE user_id = ? ORDER BY at DESC, id DESC LIMIT ?'),
      byPool: db.prepare(
        'SELECT * FROM qr_audit WHERE pool_id = ? AND at < ? ORDER BY at DESC, id DESC LIMIT ?',
      ),
    };
  }
  append(a: AuditRecord): Promise<void> {
    return this.writes.run(() => {
      this.#s.append.run(
        a.id,
        a.at,
        a.poolId,
        a.userId,
        a.appId,
        a.random,
        a.outcome,
        a.requestContext ? json(a.requestContext) : null,
        a.deviceIp,
      );
    });
  }
  async listByUser(userId: string, limit: number): Promise<AuditRecord[]> {
    return (this.#s.byUser.all(userId, limit) as Row[]).map(records.audit);
  }
  async listByPool(poolId: string, limit: number, before = Number.MAX_SAFE_INTEGER): Promise<AuditRecord[]> {
    return (this.#s.byPool.all(poolId, before, limit) as Row[]).map(records.audit);
  }
}
