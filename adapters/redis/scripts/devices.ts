import type { ScriptSource } from './helpers';

/** Device authorizations (RFC 8628). */
export const DEVICE_SCRIPTS = {
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
} satisfies Record<string, ScriptSource>;
