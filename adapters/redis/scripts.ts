import type { Cluster, Redis } from 'ioredis';

/**
 * The Lua scripts behind every write that must be atomic. Each one touches only keys of one
 * grant (one hash tag, so one Cluster slot) or one single key. Redis runs a script without
 * interleaving any other command, which is what makes "exactly one caller wins" hold across
 * processes and hosts.
 *
 * Time: scripts never read Redis's clock. The caller passes `now` (its `Date.now()`) so that
 * expiry is judged by the same clock as every read, including a faked one in tests; Redis TTLs
 * are only the cleanup.
 *
 * Values: every record is a JSON array whose first element is `expiresAt` in epoch ms, so a
 * script can read the expiry with one pattern match instead of decoding JSON. A used code or
 * refresh token is its live value with a `u` in front: the tombstone keeps the record (for
 * reuse detection) and its TTL.
 *
 * Needs Redis ≥ 6.2 (GETDEL, KEEPTTL, ZADD GT).
 */

const HELPERS = `
local function expiry(v)
  return tonumber(string.match(v, '^u?%[(%-?%d+)'))
end
-- TTLs only grow: a shorter-lived write must not cut the life of what is already there.
local function extend(key, ttl)
  local t = redis.call('PTTL', key)
  if t == -1 or t < ttl then redis.call('PEXPIRE', key, ttl) end
end
-- Member keys are the grant's base (the member index key minus its final "m") plus the member.
local function base(membersKey)
  return string.sub(membersKey, 1, -2)
end
-- Long-form access tokens of a grant (a hash): drop the expired ones before adding another.
local function pruneLong(key, now)
  local all = redis.call('HGETALL', key)
  for i = 1, #all, 2 do
    if expiry(all[i + 1]) <= now then redis.call('HDEL', key, all[i]) end
  end
end
local function addMember(membersKey, key, exp, ttl)
  redis.call('ZADD', membersKey, exp, string.sub(key, #base(membersKey) + 1))
  extend(membersKey, ttl)
end
-- Creates the grant record (value) or, when a live one exists, moves only its expiry, and only
-- later: the record stays as first saved (createdAt, scopes, name). Returns the stored value and
-- 2 when the user and client indexes need a write (a new grant, or an expiry moved into a later
-- index step), else 1. The indexes score a grant by its expiry rounded up to a step, so they need
-- a write only when the expiry crosses into the next step, not on every refresh.
local function upsertGrant(key, value, gexpText, gttl, now, step)
  local gexp = tonumber(gexpText)
  local g = redis.call('GET', key)
  local old = g and string.match(g, '^%[(%-?%d+)')
  if not g or tonumber(old) <= now then
    redis.call('SET', key, value, 'PX', gttl)
    return value, 2
  end
  local result = 1
  if tonumber(old) < gexp then
    g = '[' .. gexpText .. string.sub(g, #old + 2)
    redis.call('SET', key, g, 'KEEPTTL')
    if math.ceil(gexp / step) > math.ceil(tonumber(old) / step) then result = 2 end
  end
  extend(key, gttl)
  return g, result
end
`;

interface ScriptSource { lua: string; numberOfKeys: number }

const SOURCES = {
  /** KEYS members, revoked, code · ARGV now, value, expiresAt, ttl → 1 saved, 0 grant revoked. */
  oauthStoreSaveCode: {
    numberOfKeys: 3,
    lua: `
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
redis.call('SET', KEYS[3], ARGV[2], 'PX', ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
addMember(KEYS[1], KEYS[3], ARGV[3], tonumber(ARGV[4]))
return 1`,
  },

  /**
   * KEYS grant, revoked · ARGV now, grantValue, grantExpiresAt, grantTtl, indexStep
   * → 0 revoked (nothing written), 1 saved, 2 saved and the indexes need a write (as saveTokens).
   */
  oauthStoreSaveGrant: {
    numberOfKeys: 2,
    lua: `
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
local _, result = upsertGrant(KEYS[1], ARGV[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[1]), tonumber(ARGV[5]))
return result`,
  },

  /**
   * KEYS code-or-refresh, members · ARGV now, isRefresh → 1 for the one caller that marked a live
   * record used, else 0. A used code keeps its key, marked, and its index entry. A used refresh
   * token in the short form `[expiresAt]` (every one the provider saves) becomes only an index entry
   * `u:<hash>` scored by its expiry, with no key of its own: a grant refreshed every hour piles up
   * hundreds of these tombstones, and an index entry is a third of what a key costs. Either way
   * revokeGrant finds and deletes it with the rest of the grant.
   */
  oauthStoreConsume: {
    numberOfKeys: 2,
    lua: `
local v = redis.call('GET', KEYS[1])
if not v or string.sub(v, 1, 1) ~= '[' then return 0 end
local exp = expiry(v)
if exp <= tonumber(ARGV[1]) then return 0 end
if ARGV[2] == '1' and not string.find(v, ',', 1, true) then
  local member = string.sub(KEYS[1], #base(KEYS[2]) + 1)
  redis.call('DEL', KEYS[1])
  redis.call('ZREM', KEYS[2], member)
  redis.call('ZADD', KEYS[2], exp, 'u' .. string.sub(member, 2))
else
  redis.call('SET', KEYS[1], 'u' .. v, 'KEEPTTL')
end
return 1`,
  },

  /**
   * KEYS grant, members, long access tokens, legacy access key · ARGV member (\`a:<hash>\`), hash
   * → { grant value, access value } or nil. A short-form token \`[expiresAt]\` is its index entry (the
   * score is the expiry); a longer one is a field of the grant's long-form hash. The legacy key is
   * where versions before 0.2 kept every access token, so those still work until they expire.
   */
  oauthStoreReadAccess: {
    numberOfKeys: 4,
    lua: `
local g = redis.call('GET', KEYS[1])
if not g then return false end
local score = redis.call('ZSCORE', KEYS[2], ARGV[1])
if score then return { g, '[' .. score .. ']' } end
local v = redis.call('HGET', KEYS[3], ARGV[2]) or redis.call('GET', KEYS[4])
if v then return { g, v } end
return false`,
  },

  /**
   * KEYS refresh, grant, members · ARGV tombstone member (\`u:<hash>\`) → { grant value, refresh
   * value } or nil. A used short-form token is only its tombstone entry: it reads as \`u[expiresAt]\`.
   */
  oauthStoreReadRefresh: {
    numberOfKeys: 3,
    lua: `
local g = redis.call('GET', KEYS[2])
if not g then return false end
local v = redis.call('GET', KEYS[1])
if v then return { g, v } end
local score = redis.call('ZSCORE', KEYS[3], ARGV[1])
if score then return { g, 'u[' .. score .. ']' } end
return false`,
  },

  /**
   * KEYS grant, members, revoked, long access tokens, refresh (= long access tokens when there is none)
   * ARGV now, grantValue, grantExpiresAt, grantTtl, accessValue, accessExpiresAt, accessTtl,
   *      refreshValue ('' for none), refreshExpiresAt, refreshTtl,
   *      accessIdentity (`"userId",clientId,scopes`), accessOwner (`"userId",clientId,`), accessScopes, indexStep,
   *      refreshIdentity (`"userId",clientId,scopes`), accessHash
   * → 0 revoked (nothing written), 1 saved, 2 saved and the grant was created or its expiry moved into
   *   a later index step (the caller then rewrites the user and client indexes).
   *
   * Tokens are the most numerous records, so they leave out what the stored grant already says:
   * an access token is `[expiresAt]` when its user, client and scopes are the grant's,
   * `[expiresAt,scopes]` when only user and client are, the full accessValue otherwise; a refresh
   * token (whose scopes are the grant's, IO-7) is `[expiresAt]` when all three match. The comparison
   * is made here, against the grant as stored (not as passed in), because only the stored one is
   * what reads will see.
   */
  oauthStoreSaveTokens: {
    numberOfKeys: 5,
    lua: `
if redis.call('EXISTS', KEYS[3]) == 1 then return 0 end
local now = tonumber(ARGV[1])
local g, result = upsertGrant(KEYS[1], ARGV[2], ARGV[3], tonumber(ARGV[4]), now, tonumber(ARGV[14]))
local stored = string.match(g, '^%[%-?%d+,(.*)$') or ''
local access = ARGV[5]
if string.sub(stored, 1, #ARGV[11] + 1) == ARGV[11] .. ',' then
  access = '[' .. ARGV[6] .. ']'
elseif string.sub(stored, 1, #ARGV[12]) == ARGV[12] then
  access = '[' .. ARGV[6] .. ',' .. ARGV[13] .. ']'
end
-- No access token has a key of its own, so that revokeGrant deletes them all at once: the usual
-- short form is an entry of the member index (scored by its expiry), a longer value a field of
-- the grant's long-form hash.
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
if string.find(access, ',', 1, true) then
  pruneLong(KEYS[4], now)
  redis.call('HSET', KEYS[4], ARGV[16], access)
  extend(KEYS[4], tonumber(ARGV[7]))
else
  redis.call('ZADD', KEYS[2], ARGV[6], 'a:' .. ARGV[16])
  extend(KEYS[2], tonumber(ARGV[7]))
end
if ARGV[8] ~= '' then
  local refresh = ARGV[8]
  if string.sub(stored, 1, #ARGV[15] + 1) == ARGV[15] .. ',' then refresh = '[' .. ARGV[9] .. ']' end
  redis.call('SET', KEYS[5], refresh, 'PX', ARGV[10])
  addMember(KEYS[2], KEYS[5], ARGV[9], tonumber(ARGV[10]))
end
return result`,
  },

  /**
   * KEYS grant, members, revoked · ARGV now, minimum marker ttl
   * → { the grant's value as it was or '', how many of its codes and tokens were still live }.
   * Works without a grant record too (only codes so far): the marker is what stops a code exchange
   * that is still in flight from creating the grant afterwards.
   */
  oauthStoreRevokeGrant: {
    numberOfKeys: 4,
    lua: `
local now = tonumber(ARGV[1])
local ttl = tonumber(ARGV[2])
local function atLeast(t) if t > ttl then ttl = t end end
local g = redis.call('GET', KEYS[1])
if g then atLeast(expiry(g) - now) end
atLeast(redis.call('PTTL', KEYS[1]))
atLeast(redis.call('PTTL', KEYS[2]))
atLeast(redis.call('PTTL', KEYS[3]))
local live = redis.call('ZCOUNT', KEYS[2], '(' .. ARGV[1], '+inf')
local prefix = base(KEYS[2])
for _, member in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
  redis.call('DEL', prefix .. member)
end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[4])
redis.call('SET', KEYS[3], '1', 'PX', ttl)
return { g or '', live }`,
  },

  /**
   * KEYS grant, members, long access tokens, legacy access key · ARGV now, member, hash → 1 if the
   * token was live (it is deleted either way), else 0. Live means unexpired and its grant still
   * there (a token of a revoked grant is dead already).
   */
  oauthStoreRevokeAccess: {
    numberOfKeys: 4,
    lua: `
local score = redis.call('ZSCORE', KEYS[2], ARGV[2])
local v = redis.call('HGET', KEYS[3], ARGV[3]) or redis.call('GET', KEYS[4])
local exp = score and tonumber(score) or (v and expiry(v))
if not exp then return 0 end
redis.call('ZREM', KEYS[2], ARGV[2])
redis.call('HDEL', KEYS[3], ARGV[3])
redis.call('DEL', KEYS[4])
if exp > tonumber(ARGV[1]) and redis.call('EXISTS', KEYS[1]) == 1 then return 1 end
return 0`,
  },

  /**
   * KEYS members, revoked, device · ARGV now, expiresAt, ttl, field, value, ... → 1 saved, 0 grant revoked.
   * A device authorization is a Redis hash (so the compare-and-set below can change single fields)
   * and a member of its grant's index, so that revoking the grant deletes it with everything else.
   */
  oauthStoreSaveDevice: {
    numberOfKeys: 3,
    lua: `
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
redis.call('DEL', KEYS[3])
redis.call('HSET', KEYS[3], unpack(ARGV, 4))
redis.call('PEXPIRE', KEYS[3], ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
addMember(KEYS[1], KEYS[3], ARGV[2], tonumber(ARGV[3]))
return 1`,
  },

  /**
   * KEYS device · ARGV now, expectedStatus, field, value, ... → 1 when the live record had the
   * expected status and the fields were set, else 0 (compare-and-set in one step).
   */
  oauthStoreUpdateDevice: {
    numberOfKeys: 1,
    lua: `
local v = redis.call('HMGET', KEYS[1], 'e', 's')
if not v[1] or tonumber(v[1]) <= tonumber(ARGV[1]) or v[2] ~= ARGV[2] then return 0 end
if #ARGV > 2 then redis.call('HSET', KEYS[1], unpack(ARGV, 3)) end
return 1`,
  },

  /**
   * KEYS a user or client index · ARGV now, grantId, grantExpiresAt, ttl.
   * Scored by expiry so that each write also drops the entries of grants that ran out; entries of
   * revoked grants are dropped by listGrants.
   */
  oauthStoreIndexGrant: {
    numberOfKeys: 1,
    lua: `
redis.call('ZADD', KEYS[1], 'GT', ARGV[3], ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
extend(KEYS[1], tonumber(ARGV[4]))
return 1`,
  },
} satisfies Record<string, ScriptSource>;

export type ScriptName = keyof typeof SOURCES;

/** Runs a script by name: KEYS first, then ARGV. */
export type RunScript = (name: ScriptName, keys: readonly string[], args: readonly (string | number)[]) => Promise<unknown>;

/**
 * Registers the scripts on the app's client (ioredis sends EVALSHA and falls back to EVAL on
 * NOSCRIPT, per node in a Cluster, which routes by the first key). Registering twice is harmless.
 */
export function defineScripts(client: Redis | Cluster): RunScript {
  for (const [name, { lua, numberOfKeys }] of Object.entries(SOURCES)) {
    client.defineCommand(name, { lua: HELPERS + lua, numberOfKeys });
  }
  const commands = client as unknown as Record<ScriptName, (...args: (string | number)[]) => Promise<unknown>>;
  return (name, keys, args) => commands[name](...keys, ...args);
}
