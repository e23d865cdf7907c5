import type { ScriptSource } from './helpers';

/** DPoP proofs seen (RFC 9449 §11.1). */
export const DPOP_SCRIPTS = {
  /**
   * KEYS proof · ARGV now, expiresAt, ttl → 1 first use (remembered until expiresAt), 0 a replay.
   * The value is the proof's expiry, judged by the caller's clock like every other record.
   */
  oauthStoreUseDpopProof: {
    numberOfKeys: 1,
    lua: `
local seen = redis.call('GET', KEYS[1])
if seen and tonumber(seen) > tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1`,
  },
} satisfies Record<string, ScriptSource>;
