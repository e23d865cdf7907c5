import type { ScriptSource } from './helpers';

/**
 * What oauthStoreSaveTokens does, for it and oauthStoreRedeem: KEYS and ARGV as documented there.
 */
export const SAVE_TOKENS = `
local function saveTokens(KEYS, ARGV)
if redis.call('EXISTS', KEYS[3]) == 1 then return 0 end
local now = tonumber(ARGV[1])
local g, result = upsertGrant(KEYS[1], ARGV[2], ARGV[3], tonumber(ARGV[4]), now, tonumber(ARGV[14]), tonumber(ARGV[17]))
local stored = string.match(g, '^%[%-?%d+,(.*)$') or ''
local access = ARGV[5]
if ARGV[12] == '' then
  access = ARGV[5]
elseif string.sub(stored, 1, #ARGV[11] + 1) == ARGV[11] .. ',' then
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
  if ARGV[15] ~= '' and string.sub(stored, 1, #ARGV[15] + 1) == ARGV[15] .. ',' then refresh = '[' .. ARGV[9] .. ']' end
  redis.call('SET', KEYS[5], refresh, 'PX', ARGV[10])
  addMember(KEYS[2], KEYS[5], ARGV[9], tonumber(ARGV[10]))
end
return result
end
`;

/** Access and refresh tokens, and the single use of codes and refresh tokens. */
export const TOKEN_SCRIPTS = {
  /**
   * KEYS code-or-refresh, members · ARGV now, isRefresh → 1 for the one caller that marked a live
   * record used, else 0 (see \`consume\` in helpers.ts for what a used one becomes).
   */
  oauthStoreConsume: {
    numberOfKeys: 2,
    lua: 'return consume(KEYS[1], KEYS[2], tonumber(ARGV[1]), ARGV[2] == \'1\')',
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
   *      refreshIdentity (`"userId",clientId,scopes`), accessHash, indexHorizon
   *      (an identity or owner of '': the token is kept in full, as one with resources must be)
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
    lua: 'return saveTokens(KEYS, ARGV)',
  },

  /**
   * KEYS as oauthStoreSaveTokens, then the code or refresh token spent · ARGV as oauthStoreSaveTokens,
   * then isRefresh → 3 when the code or token was not live and unused (nothing written), else what
   * oauthStoreSaveTokens returns. The token endpoint's whole write in one round trip: spend, then save.
   */
  oauthStoreRedeem: {
    numberOfKeys: 6,
    lua: `
if consume(KEYS[6], KEYS[2], tonumber(ARGV[1]), ARGV[18] == '1') == 0 then return 3 end
return saveTokens(KEYS, ARGV)`,
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
} satisfies Record<string, ScriptSource>;
