import type { TokenStore } from '../../src/storage';
import type { RedisStoreContext } from './context';
import { ttl } from './values';

/** DPoP proofs seen (RFC 9449 §11.1): one key each, gone when the proof could no longer be accepted anyway. */
export function dpopProofMethods({ keys, run }: RedisStoreContext): Required<Pick<TokenStore, 'useDpopProof'>> {
  return {
    async useDpopProof(id, expiresAt) {
      const now = Date.now();
      const until = expiresAt.getTime();
      return (await run('oauthStoreUseDpopProof', [keys.dpopProof(id)], [now, until, ttl(until, now)])) === 1;
    },
  };
}
