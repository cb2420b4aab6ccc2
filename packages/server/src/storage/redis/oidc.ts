/**
 * The OpenID provider's artifacts in Redis (the short-lived kinds in a
 * cluster: codes, access tokens, interactions, device codes; every kind passes
 * the conformance cases). Layout, under the deployment's prefix:
 *
 *   {p}oidc:a:{kind}:{id}          hash    payload (JSON text), expiresAt, consumedAt, and the
 *                                          indexed values grantId, userCode, uid
 *   {p}oidc:uid:{kind}:{uid}       string  → id
 *   {p}oidc:uc:{kind}:{userCode}   string  → id
 *   {p}oidc:g:{kind}:{grantId}     set     ids issued under the grant
 *   {p}oidc:expiry                 zset    "{kind}|{id}" scored by expiresAt (the sweep's index)
 *
 * As with QR sessions, expiry is decided from the caller's clock and the
 * stored `expiresAt`, never from Redis TTLs, which only collect garbage. A
 * TTL comes from the artifact's own lifetime (the provider's `exp - iat`),
 * plus the grace, never from the wall clock; artifacts without one live until
 * the sweep (`deleteExpired`) or their `destroy`. Scripts derive keys from the
 * prefix (ARGV[1]), so, like the rest of this adapter, no Redis Cluster.
 */
import type { Redis } from 'ioredis';
import { artifactIndexes, type OidcArtifact, type OidcArtifactStore } from '../../domain/oidc/ports.js';
import { guard } from './connection.js';
import type { KeySpace } from './keys.js';

const PRELUDE = `
local P = ARGV[1]
local function akey(kind, id) return P .. 'oidc:a:' .. kind .. ':' .. id end
local function gkey(kind, grantId) return P .. 'oidc:g:' .. kind .. ':' .. grantId end
local function uckey(kind, code) return P .. 'oidc:uc:' .. kind .. ':' .. code end
local function uidkey(kind, uid) return P .. 'oidc:uid:' .. kind .. ':' .. uid end
local EXPIRY = P .. 'oidc:expiry'

-- Drops the index entries that still name this artifact.
local function unindex(kind, id, key)
  local v = redis.call('HMGET', key, 'grantId', 'userCode', 'uid')
  if v[1] then redis.call('SREM', gkey(kind, v[1]), id) end
  if v[2] and redis.call('GET', uckey(kind, v[2])) == id then redis.call('DEL', uckey(kind, v[2])) end
  if v[3] and redis.call('GET', uidkey(kind, v[3])) == id then redis.call('DEL', uidkey(kind, v[3])) end
end

-- Removes the artifact and its index entries; 1 if it existed.
local function remove(kind, id)
  local key = akey(kind, id)
  redis.call('ZREM', EXPIRY, kind .. '|' .. id)
  if redis.call('EXISTS', key) == 0 then return 0 end
  unindex(kind, id, key)
  redis.call('DEL', key)
  return 1
end
`;

/** ARGV: prefix, kind, id, payload, expiresAt, consumedAt, grantId, userCode, uid, ttlMs ('' = none). */
const upsert = `${PRELUDE}
local kind, id = ARGV[2], ARGV[3]
local key = akey(kind, id)
local ttl = tonumber(ARGV[10])
if redis.call('EXISTS', key) == 1 then unindex(kind, id, key) end
redis.call('DEL', key)
redis.call('HSET', key, 'payload', ARGV[4])
local names = {'expiresAt', 'consumedAt', 'grantId', 'userCode', 'uid'}
for i, name in ipairs(names) do
  if ARGV[4 + i] ~= '' then redis.call('HSET', key, name, ARGV[4 + i]) end
end
if ttl then redis.call('PEXPIRE', key, ttl) end
-- An index entry lives as long as what it points to (a grant's set: as long as its longest member).
local function keep(indexKey)
  if not ttl then redis.call('PERSIST', indexKey) return end
  local left = redis.call('PTTL', indexKey)
  if left >= 0 and left < ttl then redis.call('PEXPIRE', indexKey, ttl) end
end
if ARGV[7] ~= '' then
  local g = gkey(kind, ARGV[7])
  local fresh = redis.call('EXISTS', g) == 0
  redis.call('SADD', g, id)
  if fresh and ttl then redis.call('PEXPIRE', g, ttl) else keep(g) end
end
if ARGV[8] ~= '' then redis.call('SET', uckey(kind, ARGV[8]), id) if ttl then redis.call('PEXPIRE', uckey(kind, ARGV[8]), ttl) end end
if ARGV[9] ~= '' then redis.call('SET', uidkey(kind, ARGV[9]), id) if ttl then redis.call('PEXPIRE', uidkey(kind, ARGV[9]), ttl) end end
if ARGV[5] ~= '' then redis.call('ZADD', EXPIRY, ARGV[5], kind .. '|' .. id) else redis.call('ZREM', EXPIRY, kind .. '|' .. id) end
return 1
`;

/** ARGV: prefix, kind, index ('uc' | 'uid'), value. Returns {id, hash fields...} or false. */
const findBy = `${PRELUDE}
local kind, which, value = ARGV[2], ARGV[3], ARGV[4]
local indexKey = which == 'uc' and uckey(kind, value) or uidkey(kind, value)
local field = which == 'uc' and 'userCode' or 'uid'
local id = redis.call('GET', indexKey)
if not id then return false end
local key = akey(kind, id)
if redis.call('HGET', key, field) ~= value then return false end
local reply = redis.call('HGETALL', key)
table.insert(reply, 1, id)
return reply
`;

/** ARGV: prefix, kind, id, at. Returns 1 for the one caller that consumed it. */
const consume = `${PRELUDE}
local key = akey(ARGV[2], ARGV[3])
if redis.call('EXISTS', key) == 0 or redis.call('HEXISTS', key, 'consumedAt') == 1 then return 0 end
redis.call('HSET', key, 'consumedAt', ARGV[4])
return 1
`;

/** ARGV: prefix, kind, id. */
const destroy = `${PRELUDE}
return remove(ARGV[2], ARGV[3])
`;

/** ARGV: prefix, kind, grantId. Removes the members that still belong to the grant. */
const revokeByGrantId = `${PRELUDE}
local kind, grantId = ARGV[2], ARGV[3]
local g = gkey(kind, grantId)
for _, id in ipairs(redis.call('SMEMBERS', g)) do
  if redis.call('HGET', akey(kind, id), 'grantId') == grantId then remove(kind, id) end
end
redis.call('DEL', g)
return 1
`;

/** ARGV: prefix, now, batch size. Returns {removed, visited}. */
const deleteExpired = `${PRELUDE}
local now = tonumber(ARGV[2])
local members = redis.call('ZRANGEBYSCORE', EXPIRY, '-inf', ARGV[2], 'LIMIT', 0, tonumber(ARGV[3]))
local removed = 0
for _, member in ipairs(members) do
  local bar = string.find(member, '|', 1, true)
  local kind, id = string.sub(member, 1, bar - 1), string.sub(member, bar + 1)
  local at = tonumber(redis.call('HGET', akey(kind, id), 'expiresAt'))
  if at and at > now then
    redis.call('ZADD', EXPIRY, at, member) -- re-saved with a later expiry meanwhile: keep
  else
    removed = removed + remove(kind, id)
  end
end
return {removed, #members}
`;

const definitions = {
  scanloginOidcUpsert: { lua: upsert, numberOfKeys: 0 },
  scanloginOidcFindBy: { lua: findBy, numberOfKeys: 0, readOnly: true },
  scanloginOidcConsume: { lua: consume, numberOfKeys: 0 },
  scanloginOidcDestroy: { lua: destroy, numberOfKeys: 0 },
  scanloginOidcRevokeByGrantId: { lua: revokeByGrantId, numberOfKeys: 0 },
  scanloginOidcDeleteExpired: { lua: deleteExpired, numberOfKeys: 0 },
} as const;

type Scripted = Redis & {
  [K in keyof typeof definitions]: (...args: (string | number)[]) => Promise<unknown>;
};

/** Artifacts removed per script call by `deleteExpired`, so one call never holds Redis for long. */
const SWEEP_BATCH = 500;

function fromHash(kind: string, id: string, h: Record<string, string>): OidcArtifact | null {
  if (h.payload === undefined) return null;
  return {
    kind,
    id,
    payload: JSON.parse(h.payload),
    expiresAt: h.expiresAt === undefined ? null : Number(h.expiresAt),
    consumedAt: h.consumedAt === undefined ? null : Number(h.consumedAt),
  };
}

/** The lifetime the provider gave the artifact (its `exp - iat`), in ms; null when it has none. */
function ownLifetimeMs(payload: Record<string, unknown>): number | null {
  const { exp, iat } = payload;
  return typeof exp === 'number' && typeof iat === 'number' && exp > iat ? (exp - iat) * 1000 : null;
}

export class RedisOidcArtifacts implements OidcArtifactStore {
  readonly #redis: Scripted;

  constructor(
    redis: Redis,
    private readonly keys: KeySpace,
    private readonly graceMs: number,
  ) {
    for (const [name, definition] of Object.entries(definitions)) redis.defineCommand(name, definition);
    this.#redis = redis as Scripted;
  }

  #key(kind: string, id: string): string {
    return `${this.keys.prefix}oidc:a:${kind}:${id}`;
  }

  async upsert(a: OidcArtifact): Promise<void> {
    const ix = artifactIndexes(a.payload);
    const lifetime = ownLifetimeMs(a.payload);
    const opt = (v: string | number | null) => (v === null ? '' : String(v));
    await guard(() =>
      this.#redis.scanloginOidcUpsert(
        this.keys.prefix,
        a.kind,
        a.id,
        JSON.stringify(a.payload),
        opt(a.expiresAt),
        opt(a.consumedAt),
        opt(ix.grantId),
        opt(ix.userCode),
        opt(ix.uid),
        lifetime === null ? '' : lifetime + this.graceMs,
      ),
    );
  }

  async find(kind: string, id: string): Promise<OidcArtifact | null> {
    return fromHash(kind, id, await guard(() => this.#redis.hgetall(this.#key(kind, id))));
  }

  #findBy(kind: string, which: 'uc' | 'uid', value: string): Promise<OidcArtifact | null> {
    return guard(async () => {
      const reply = (await this.#redis.scanloginOidcFindBy(this.keys.prefix, kind, which, value)) as
        | string[]
        | null;
      if (!reply) return null;
      const [id, ...flat] = reply;
      const h: Record<string, string> = {};
      for (let i = 0; i + 1 < flat.length; i += 2) h[flat[i]!] = flat[i + 1]!;
      return fromHash(kind, id!, h);
    });
  }

  findByUid(kind: string, uid: string): Promise<OidcArtifact | null> {
    return this.#findBy(kind, 'uid', uid);
  }

  findByUserCode(kind: string, userCode: string): Promise<OidcArtifact | null> {
    return this.#findBy(kind, 'uc', userCode);
  }

  async consume(kind: string, id: string, at: number): Promise<boolean> {
    return (await guard(() => this.#redis.scanloginOidcConsume(this.keys.prefix, kind, id, at))) === 1;
  }

  async destroy(kind: string, id: string): Promise<void> {
    await guard(() => this.#redis.scanloginOidcDestroy(this.keys.prefix, kind, id));
  }

  async revokeByGrantId(kind: string, grantId: string): Promise<void> {
    await guard(() => this.#redis.scanloginOidcRevokeByGrantId(this.keys.prefix, kind, grantId));
  }

  async deleteExpired(now: number): Promise<number> {
    let total = 0;
    for (;;) {
      const [removed, visited] = (await guard(() =>
        this.#redis.scanloginOidcDeleteExpired(this.keys.prefix, now, SWEEP_BATCH),
      )) as [number, number];
      total += Number(removed);
      if (Number(visited) < SWEEP_BATCH) return total;
    }
  }
}
