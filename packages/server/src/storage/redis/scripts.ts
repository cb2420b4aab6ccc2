/**
 * The Lua scripts behind every operation that reads, checks and writes, or
 * touches more than one key. Redis runs a script atomically, so each one is
 * the Redis counterpart of one SQLite statement in `../sqlite/index.ts`, with
 * the same conditions.
 *
 * Conventions:
 * - Session scripts get the key prefix as ARGV[1] (see `keys.ts`) and, when
 *   they write, the grace period in ms as ARGV[2] and the sweep index as KEYS[2].
 * - Values are hash fields holding strings (see `codec.ts`); a missing field
 *   is null, which HMGET hands to Lua as `false`. Times are compared with
 *   `tonumber`, exact for integers below 2^53.
 * - A conflict on a unique value is returned as the error `CONFLICT <field>`,
 *   with SQLite's column name as the field, before anything was written.
 * - Logical expiry is decided from the `now` the caller passes and the stored
 *   times, never from Redis TTLs, which only collect garbage. A TTL is derived
 *   from the record's own times (never from the wall clock), plus the grace.
 */
import type { Redis } from 'ioredis';

const PRELUDE = `
local P = ARGV[1]
local function sessionKey(random) return P .. 'qr:s:' .. random end
local function publicIdKey(id) return P .. 'qr:p:' .. id end
local function ticketKey(ticket) return P .. 'qr:t:' .. ticket end

-- The random an index entry names, if that session still exists and still
-- carries the value (a TTL may have taken the session before the entry).
local function owner(indexKey, field, value)
  local random = redis.call('GET', indexKey)
  if random and redis.call('HGET', sessionKey(random), field) == value then return random end
  return nil
end

-- When nobody can use the session any more: the code has expired and its
-- ticket, if any, has expired or was used (SQLite's deleteExpired condition).
local function uselessAfter(key)
  local v = redis.call('HMGET', key, 'expiresAt', 'ticketExpiresAt', 'ticketUsed')
  local at = tonumber(v[1])
  if v[2] and v[3] ~= '1' then at = math.max(at, tonumber(v[2])) end
  return at
end

-- Keeps the open-codes index ({p}qr:open) in step with the session's status: a code waiting
-- for a scan or a decision (0, 1, 4) is in it, scored by its expiry; a decided one is not.
local function fileOpen(key, random)
  local v = redis.call('HMGET', key, 'status', 'expiresAt')
  if v[1] == '0' or v[1] == '1' or v[1] == '4' then
    redis.call('ZADD', P .. 'qr:open', tonumber(v[2]), random)
  else
    redis.call('ZREM', P .. 'qr:open', random)
  end
end

-- Files the session in the sweep index (KEYS[2]) and keeps its hash and index
-- entries until it is useless, counted from \`reference\` (a time of the same
-- clock as the record's), plus the grace. Never shortens a TTL.
local function track(key, random, reference)
  local useless = uselessAfter(key)
  redis.call('ZADD', KEYS[2], useless, random)
  local grace = tonumber(ARGV[2])
  local ttl = math.max(math.ceil(useless - reference + grace), grace, redis.call('PTTL', key))
  local v = redis.call('HMGET', key, 'publicId', 'ticket')
  redis.call('PEXPIRE', key, ttl)
  if v[1] then redis.call('PEXPIRE', publicIdKey(v[1]), ttl) end
  if v[2] then redis.call('PEXPIRE', ticketKey(v[2]), ttl) end
end
`;

/** KEYS: session, sweep index. ARGV: prefix, grace, then the record as field/value pairs. */
const createSession = `${PRELUDE}
local key = KEYS[1]
if redis.call('EXISTS', key) == 1 then return redis.error_reply('CONFLICT random') end
local f = {}
for i = 3, #ARGV, 2 do f[ARGV[i]] = ARGV[i + 1] end
if owner(publicIdKey(f.publicId), 'publicId', f.publicId) then
  return redis.error_reply('CONFLICT public_id')
end
if f.ticket and owner(ticketKey(f.ticket), 'ticket', f.ticket) then
  return redis.error_reply('CONFLICT ticket')
end
redis.call('HSET', key, unpack(ARGV, 3))
redis.call('SET', publicIdKey(f.publicId), f.random)
if f.ticket then redis.call('SET', ticketKey(f.ticket), f.random) end
track(key, f.random, tonumber(f.createdAt))
fileOpen(key, f.random)
return 1
`;

/**
 * The compare-and-set. KEYS: session, sweep index. ARGV: prefix, grace, and a
 * JSON request {now, to, from: [status...], expectUserId?, guardCheckCode?, checkCode?,
 * write: {field: value}, clear: [field...]} with statuses, the check code and
 * written values as strings. With `guardCheckCode`, a stored check code must
 * equal `checkCode` (absent: none was presented).
 * Returns the new record as HGETALL pairs, or nil if the conditions failed.
 */
const transition = `${PRELUDE}
local key = KEYS[1]
local req = cjson.decode(ARGV[3])
local cur = redis.call('HMGET', key, 'random', 'status', 'expiresAt', 'userId', 'ticket', 'checkCode')
local random, status, expiresAt, userId, ticket, checkCode = cur[1], cur[2], cur[3], cur[4], cur[5], cur[6]
if not random then return false end
local allowed = false
for _, s in ipairs(req.from) do
  if s == status then allowed = true end
end
if not allowed or tonumber(expiresAt) <= req.now then return false end
if req.expectUserId and userId ~= req.expectUserId then return false end
if req.guardCheckCode and checkCode and checkCode ~= req.checkCode then return false end

-- The ticket after this change, and its index entry (unique, like SQLite's).
local nextTicket = ticket
if req.write.ticket then nextTicket = req.write.ticket end
for _, field in ipairs(req.clear) do
  if field == 'ticket' then nextTicket = false end
end
if nextTicket ~= ticket then
  if nextTicket and owner(ticketKey(nextTicket), 'ticket', nextTicket) then
    return redis.error_reply('CONFLICT ticket')
  end
  if ticket and redis.call('GET', ticketKey(ticket)) == random then redis.call('DEL', ticketKey(ticket)) end
  if nextTicket then redis.call('SET', ticketKey(nextTicket), random) end
end

redis.call('HSET', key, 'status', req.to)
redis.call('HINCRBY', key, 'seq', 1)
for field, value in pairs(req.write) do redis.call('HSET', key, field, value) end
for _, field in ipairs(req.clear) do redis.call('HDEL', key, field) end
track(key, random, req.now)
fileOpen(key, random)
return redis.call('HGETALL', key)
`;

/**
 * KEYS: session, sweep index. ARGV: prefix, grace, now, the pending status,
 * the new public id, its expiry. The old id's index entry goes in the same
 * step, so it stops resolving at once. Returns HGETALL pairs or nil.
 */
const rotatePublicId = `${PRELUDE}
local key = KEYS[1]
local now, pending, nextId, nextExpiresAt = tonumber(ARGV[3]), ARGV[4], ARGV[5], ARGV[6]
local cur = redis.call('HMGET', key, 'random', 'status', 'expiresAt', 'publicId')
local random, status, expiresAt, publicId = cur[1], cur[2], cur[3], cur[4]
if not random or status ~= pending or tonumber(expiresAt) <= now then return false end
if nextId ~= publicId then
  if owner(publicIdKey(nextId), 'publicId', nextId) then return redis.error_reply('CONFLICT public_id') end
  if redis.call('GET', publicIdKey(publicId)) == random then redis.call('DEL', publicIdKey(publicId)) end
  redis.call('SET', publicIdKey(nextId), random)
end
redis.call('HSET', key, 'publicId', nextId, 'publicIdExpiresAt', nextExpiresAt)
track(key, random, now)
return redis.call('HGETALL', key)
`;

/** KEYS: public id entry. ARGV: prefix, public id. Returns HGETALL pairs or nil. */
const findByPublicId = `${PRELUDE}
local random = redis.call('GET', KEYS[1])
if not random then return false end
local key = sessionKey(random)
if redis.call('HGET', key, 'publicId') ~= ARGV[2] then return false end
return redis.call('HGETALL', key)
`;

/** KEYS: ticket entry. ARGV: prefix, ticket, now. Returns {appId, random} or nil. */
const peekTicket = `${PRELUDE}
local random = redis.call('GET', KEYS[1])
if not random then return false end
local v = redis.call('HMGET', sessionKey(random), 'ticket', 'ticketUsed', 'ticketExpiresAt', 'appId')
if v[1] ~= ARGV[2] or v[2] == '1' or not v[3] or tonumber(v[3]) <= tonumber(ARGV[3]) then return false end
return {v[4], random}
`;

/**
 * Single use. KEYS: ticket entry, sweep index. ARGV: prefix, grace, ticket,
 * appId, now. Returns {random, appId, poolId, userId} or nil.
 */
const consumeTicket = `${PRELUDE}
local random = redis.call('GET', KEYS[1])
if not random then return false end
local key = sessionKey(random)
local now = tonumber(ARGV[5])
local v = redis.call('HMGET', key, 'ticket', 'ticketUsed', 'ticketExpiresAt', 'appId', 'poolId', 'userId')
if v[1] ~= ARGV[3] or v[2] == '1' or not v[3] or tonumber(v[3]) <= now or v[4] ~= ARGV[4] then
  return false
end
redis.call('HSET', key, 'ticketUsed', '1')
-- A used ticket no longer keeps the session around: file it by the code's expiry.
track(key, random, now)
return {random, v[4], v[5], v[6]}
`;

/**
 * KEYS: sweep index. ARGV: prefix, now, batch size. Deletes up to a batch of
 * useless sessions with their index entries (those still pointing to them).
 * Returns {sessions deleted, index members visited}; the caller repeats while
 * a full batch was visited, so one call never blocks Redis for long.
 */
const deleteExpired = `${PRELUDE}
local now = tonumber(ARGV[2])
local randoms = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[2], 'LIMIT', 0, tonumber(ARGV[3]))
local removed = 0
for _, random in ipairs(randoms) do
  local key = sessionKey(random)
  local useless = redis.call('EXISTS', key) == 1 and uselessAfter(key)
  if useless and useless > now then
    -- Filed too early (cannot happen through these scripts): refile, keep.
    redis.call('ZADD', KEYS[1], useless, random)
  else
    local v = redis.call('HMGET', key, 'publicId', 'ticket')
    if v[1] and redis.call('GET', publicIdKey(v[1])) == random then redis.call('DEL', publicIdKey(v[1])) end
    if v[2] and redis.call('GET', ticketKey(v[2])) == random then redis.call('DEL', ticketKey(v[2])) end
    removed = removed + redis.call('DEL', key)
    redis.call('ZREM', KEYS[1], random)
  end
end
return {removed, #randoms}
`;

/**
 * Fixed window. KEYS: counter. ARGV: now, the new window's end, its TTL in ms.
 * Returns {count, resetAt as stored}.
 */
const incrementCounter = `
local resetAt = redis.call('HGET', KEYS[1], 'resetAt')
if resetAt and tonumber(resetAt) > tonumber(ARGV[1]) then
  return {redis.call('HINCRBY', KEYS[1], 'count', 1), resetAt}
end
redis.call('HSET', KEYS[1], 'count', 1, 'resetAt', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return {1, ARGV[2]}
`;

const definitions = {
  scanloginCreateSession: { lua: createSession, numberOfKeys: 2 },
  scanloginTransition: { lua: transition, numberOfKeys: 2 },
  scanloginRotatePublicId: { lua: rotatePublicId, numberOfKeys: 2 },
  scanloginFindByPublicId: { lua: findByPublicId, numberOfKeys: 1, readOnly: true },
  scanloginPeekTicket: { lua: peekTicket, numberOfKeys: 1, readOnly: true },
  scanloginConsumeTicket: { lua: consumeTicket, numberOfKeys: 2 },
  scanloginDeleteExpired: { lua: deleteExpired, numberOfKeys: 1 },
  scanloginIncrementCounter: { lua: incrementCounter, numberOfKeys: 1 },
} as const;

type ScriptArg = string | number;
/** A connection with the scripts defined on it (ioredis adds them as methods). */
export type ScriptedRedis = Redis & {
  [K in keyof typeof definitions]: (...keysThenArgs: ScriptArg[]) => Promise<unknown>;
};

/** Defines every script on the connection; ioredis sends EVALSHA and falls back to EVAL after a restart. */
export function defineScripts(redis: Redis): ScriptedRedis {
  for (const [name, definition] of Object.entries(definitions)) redis.defineCommand(name, definition);
  return redis as ScriptedRedis;
}
