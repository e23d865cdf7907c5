import type { ScriptSource } from './helpers';

/** Grants, their codes, revocation and the user and client indexes. */
export const GRANT_SCRIPTS = {
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
   * KEYS grant, revoked · ARGV now, grantValue, grantExpiresAt, grantTtl, indexStep, indexHorizon
   * → 0 revoked (nothing written), 1 saved, 2 saved and the indexes need a write (as saveTokens).
   */
  oauthStoreSaveGrant: {
    numberOfKeys: 2,
    lua: `
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
local _, result = upsertGrant(KEYS[1], ARGV[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[1]), tonumber(ARGV[5]), tonumber(ARGV[6]))
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
