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
