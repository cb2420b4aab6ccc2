import type { AuditRecord, AuditStore } from '../../domain/ports.js';
import { postgresDialect, rowsOf } from '../rows.js';
import { type Db, json } from './db.js';

const records = rowsOf(postgresDialect);

export class PgAudit implements AuditStore {
  constructor(private readonly db: Db) {}

  async append(a: AuditRecord): Promise<void> {
    await this.db.query(
      `INSERT INTO qr_audit (id, at, pool_id, user_id, app_id, random, outcome, request_context, device_ip)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9)`,
      [a.id, a.at, a.poolId, a.userId, a.appId, a.random, a.outcome, json(a.requestContext), a.deviceIp],
    );
  }
  async listByUser(userId: string, limit: number): Promise<AuditRecord[]> {
    const rows = await this.db.rows(
      'SELECT * FROM qr_audit WHERE user_id = $1 ORDER BY at DESC, id DESC LIMIT $2',
      [userId, limit],
    );
    return rows.map(records.audit);
  }
  async listByPool(poolId: string, limit: number, before = Number.MAX_SAFE_INTEGER): Promise<AuditRecord[]> {
    const rows = await this.db.rows(
      'SELECT * FROM qr_audit WHERE pool_id = $1 AND at < $2 ORDER BY at DESC, id DESC LIMIT $3',
      [poolId, before, limit],
    );
    return rows.map(records.audit);
  }
}
