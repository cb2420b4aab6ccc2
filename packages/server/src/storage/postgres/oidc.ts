import { artifactIndexes, type OidcArtifact, type OidcArtifactStore } from '../../domain/oidc/ports.js';
import type { Db } from './db.js';

type Row = Record<string, unknown>;

function toArtifact(r: Row): OidcArtifact {
  return {
    kind: r.kind as string,
    id: r.id as string,
    payload: JSON.parse(r.payload as string),
    expiresAt: (r.expires_at as number | null) ?? null,
    consumedAt: (r.consumed_at as number | null) ?? null,
  };
}

/**
 * PostgreSQL cannot hold U+0000 in text: an id or code with one (only a
 * forged request carries it) is simply not found, instead of failing the query.
 */
const storable = (...values: string[]) => values.every((v) => !v.includes('\u0000'));

/**
 * The OpenID provider's artifacts in PostgreSQL (table `oidc_artifacts`,
 * migration 2). In a cluster it holds the durable kinds (clients, sessions,
 * grants, refresh tokens); it passes the same conformance cases for every kind.
 */
export class PgOidcArtifacts implements OidcArtifactStore {
  constructor(private readonly db: Db) {}

  async upsert(a: OidcArtifact): Promise<void> {
    const ix = artifactIndexes(a.payload);
    await this.db.query(
      `INSERT INTO oidc_artifacts (kind, id, payload, grant_id, user_code, uid, expires_at, consumed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (kind, id) DO UPDATE SET payload = excluded.payload, grant_id = excluded.grant_id,
         user_code = excluded.user_code, uid = excluded.uid, expires_at = excluded.expires_at,
         consumed_at = excluded.consumed_at`,
      [a.kind, a.id, JSON.stringify(a.payload), ix.grantId, ix.userCode, ix.uid, a.expiresAt, a.consumedAt],
    );
  }
  async find(kind: string, id: string): Promise<OidcArtifact | null> {
    if (!storable(kind, id)) return null;
    const r = await this.db.one('SELECT * FROM oidc_artifacts WHERE kind = $1 AND id = $2', [kind, id]);
    return r ? toArtifact(r) : null;
  }
  async findByUid(kind: string, uid: string): Promise<OidcArtifact | null> {
    if (!storable(kind, uid)) return null;
    const r = await this.db.one('SELECT * FROM oidc_artifacts WHERE kind = $1 AND uid = $2 LIMIT 1', [
      kind,
      uid,
    ]);
    return r ? toArtifact(r) : null;
  }
  async findByUserCode(kind: string, userCode: string): Promise<OidcArtifact | null> {
    if (!storable(kind, userCode)) return null;
    const r = await this.db.one('SELECT * FROM oidc_artifacts WHERE kind = $1 AND user_code = $2 LIMIT 1', [
      kind,
      userCode,
    ]);
    return r ? toArtifact(r) : null;
  }
  async consume(kind: string, id: string, at: number): Promise<boolean> {
    if (!storable(kind, id)) return false;
    const changed = await this.db.count(
      'UPDATE oidc_artifacts SET consumed_at = $3 WHERE kind = $1 AND id = $2 AND consumed_at IS NULL',
      [kind, id, at],
    );
    return changed === 1;
  }
  async destroy(kind: string, id: string): Promise<void> {
    if (!storable(kind, id)) return;
    await this.db.query('DELETE FROM oidc_artifacts WHERE kind = $1 AND id = $2', [kind, id]);
  }
  async revokeByGrantId(kind: string, grantId: string): Promise<void> {
    if (!storable(kind, grantId)) return;
    await this.db.query('DELETE FROM oidc_artifacts WHERE grant_id = $1 AND kind = $2', [grantId, kind]);
  }
  deleteExpired(now: number): Promise<number> {
    return this.db.count('DELETE FROM oidc_artifacts WHERE expires_at <= $1', [now]);
  }
}
