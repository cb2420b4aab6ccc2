import type Database from 'better-sqlite3';
import { artifactIndexes, type OidcArtifact, type OidcArtifactStore } from '../../domain/oidc/ports.js';
import type { GroupCommit } from './group-commit.js';

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
 * The OpenID provider's artifacts in the embedded SQLite file (table
 * `oidc_artifacts`, migration 6). Writes join the group commit like every
 * other write of the file; `consume` is one conditional UPDATE, so exactly one
 * caller wins it.
 */
export class SqliteOidcArtifacts implements OidcArtifactStore {
  readonly #s;
  constructor(
    db: Database.Database,
    private readonly writes: GroupCommit,
  ) {
    this.#s = {
      upsert: db.prepare(
        `INSERT INTO oidc_artifacts (kind, id, payload, grant_id, user_code, uid, expires_at, consumed_at)
         VALUES (@kind, @id, @payload, @grantId, @userCode, @uid, @expiresAt, @consumedAt)
         ON CONFLICT(kind, id) DO UPDATE SET payload = excluded.payload, grant_id = excluded.grant_id,
           user_code = excluded.user_code, uid = excluded.uid, expires_at = excluded.expires_at,
           consumed_at = excluded.consumed_at`,
      ),
      find: db.prepare('SELECT * FROM oidc_artifacts WHERE kind = ? AND id = ?'),
      byUid: db.prepare('SELECT * FROM oidc_artifacts WHERE kind = ? AND uid = ? LIMIT 1'),
      byUserCode: db.prepare('SELECT * FROM oidc_artifacts WHERE kind = ? AND user_code = ? LIMIT 1'),
      consume: db.prepare(
        'UPDATE oidc_artifacts SET consumed_at = ? WHERE kind = ? AND id = ? AND consumed_at IS NULL',
      ),
      destroy: db.prepare('DELETE FROM oidc_artifacts WHERE kind = ? AND id = ?'),
      revoke: db.prepare('DELETE FROM oidc_artifacts WHERE grant_id = ? AND kind = ?'),
      deleteExpired: db.prepare('DELETE FROM oidc_artifacts WHERE expires_at <= ?'),
    };
  }

  upsert(a: OidcArtifact): Promise<void> {
    return this.writes.run(() => {
      this.#s.upsert.run({
        kind: a.kind,
        id: a.id,
        payload: JSON.stringify(a.payload),
        ...artifactIndexes(a.payload),
        expiresAt: a.expiresAt,
        consumedAt: a.consumedAt,
      });
    });
  }
  async find(kind: string, id: string): Promise<OidcArtifact | null> {
    const r = this.#s.find.get(kind, id) as Row | undefined;
    return r ? toArtifact(r) : null;
  }
  async findByUid(kind: string, uid: string): Promise<OidcArtifact | null> {
    const r = this.#s.byUid.get(kind, uid) as Row | undefined;
    return r ? toArtifact(r) : null;
  }
  async findByUserCode(kind: string, userCode: string): Promise<OidcArtifact | null> {
    const r = this.#s.byUserCode.get(kind, userCode) as Row | undefined;
    return r ? toArtifact(r) : null;
  }
  consume(kind: string, id: string, at: number): Promise<boolean> {
    return this.writes.run(() => this.#s.consume.run(at, kind, id).changes === 1);
  }
  destroy(kind: string, id: string): Promise<void> {
    return this.writes.run(() => {
      this.#s.destroy.run(kind, id);
    });
  }
  revokeByGrantId(kind: string, grantId: string): Promise<void> {
    return this.writes.run(() => {
      this.#s.revoke.run(grantId, kind);
    });
  }
  deleteExpired(now: number): Promise<number> {
    return this.writes.run(() => this.#s.deleteExpired.run(now).changes);
  }
}
