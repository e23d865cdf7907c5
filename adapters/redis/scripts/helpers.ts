/** A script's body, run after HELPERS, and how many of its arguments are keys (the rest are ARGV). */
export interface ScriptSource { lua: string; numberOfKeys: number }

/** Lua functions in front of every script. */
export const HELPERS = `
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
-- later: the record stays as first saved (createdAt, scopes, name, openid). Returns the stored value and
-- 2 when the user and client indexes need a write (a new grant, or an expiry moved into a later
-- index step), else 1. The indexes score a grant by its expiry rounded up to a step, and a user's
-- grant (kind "a") by at least its creation plus a horizon: its code exchange, which moves the
-- expiry from minutes to the refresh token's lifetime, then rewrites no index (see grant-index.ts).
local function indexStep(g, exp, step, horizon)
  local grant = cjson.decode(g)
  if grant[6] == 'a' and grant[5] + horizon > exp then exp = grant[5] + horizon end
  return math.ceil(exp / step)
end
local function upsertGrant(key, value, gexpText, gttl, now, step, horizon)
  local gexp = tonumber(gexpText)
  local g = redis.call('GET', key)
  local old = g and string.match(g, '^%[(%-?%d+)')
  if not g or tonumber(old) <= now then
    redis.call('SET', key, value, 'PX', gttl)
    return value, 2
  end
  local result = 1
  if tonumber(old) < gexp then
    if indexStep(g, gexp, step, horizon) > indexStep(g, tonumber(old), step, horizon) then result = 2 end
    g = '[' .. gexpText .. string.sub(g, #old + 2)
    redis.call('SET', key, g, 'KEEPTTL')
  end
  extend(key, gttl)
  return g, result
end
-- Marks a live code or refresh token used; 1 for the one caller that did, else 0. A used code keeps
-- its key, marked, and its index entry. A used refresh token in the short form "[expiresAt]" (every one
-- the provider saves) becomes only an index entry "u:<hash>" scored by its expiry, with no key of its
-- own: a grant refreshed every hour piles up hundreds of these tombstones, and an index entry is a
-- third of what a key costs. Either way revokeGrant finds and deletes it with the rest of the grant.
local function consume(key, membersKey, now, isRefresh)
  local v = redis.call('GET', key)
  if not v or string.sub(v, 1, 1) ~= '[' then return 0 end
  local exp = expiry(v)
  if exp <= now then return 0 end
  if isRefresh and not string.find(v, ',', 1, true) then
    local member = string.sub(key, #base(membersKey) + 1)
    redis.call('DEL', key)
    redis.call('ZREM', membersKey, member)
    redis.call('ZADD', membersKey, exp, 'u' .. string.sub(member, 2))
  else
    redis.call('SET', key, 'u' .. v, 'KEEPTTL')
  end
  return 1
end
`;
