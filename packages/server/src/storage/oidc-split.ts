import { DURABLE_ARTIFACT_KINDS, type OidcArtifact, type OidcArtifactStore } from '../domain/oidc/ports.js';

/**
 * One artifact store from two: the durable kinds (clients, sessions, grants,
 * refresh tokens: DURABLE_ARTIFACT_KINDS) in one backend, the short-lived ones
 * in the other. Every call concerns one kind, so it goes to exactly one of
 * them; the sweep asks both.
 */
export function splitArtifacts(
  durable: OidcArtifactStore,
  hot: OidcArtifactStore,
  durableKinds: ReadonlySet<string> = DURABLE_ARTIFACT_KINDS,
): OidcArtifactStore {
  const of = (kind: string) => (durableKinds.has(kind) ? durable : hot);
  return {
    upsert: (a: OidcArtifact) => of(a.kind).upsert(a),
    find: (kind, id) => of(kind).find(kind, id),
    findByUid: (kind, uid) => of(kind).findByUid(kind, uid),
    findByUserCode: (kind, userCode) => of(kind).findByUserCode(kind, userCode),
    consume: (kind, id, at) => of(kind).consume(kind, id, at),
    destroy: (kind, id) => of(kind).destroy(kind, id),
    revokeByGrantId: (kind, grantId) => of(kind).revokeByGrantId(kind, grantId),
    async deleteExpired(now) {
      const [a, b] = await Promise.all([durable.deleteExpired(now), hot.deleteExpired(now)]);
      return a + b;
    },
  };
}
