import type { Cluster, Redis } from 'ioredis';
import { announceRevocations, type RevocationChannel, type TokenStore } from '../../src/storage';
import { deviceMethods } from './devices';
import { dpopProofMethods } from './dpop-proofs';
import { grantIndex } from './grant-index';
import { grantMethods } from './grants';
import { pushedRequestMethods } from './pushed-requests';
import { createKeys } from './keys';
import { defineScripts } from './scripts';
import { tokenMethods } from './tokens';
import { transactionMethods } from './transactions';

export interface RedisTokenStoreOptions {
  /**
   * Put in front of every key, so several apps (or test runs) can share one Redis. Must not
   * contain `{` or `}` (the grant id is the Cluster hash tag).
   * @default 'oa:'
   */
  prefix?: string;
  /**
   * Publish every revocation made on this store on this channel (e.g. `redisRevocationChannel`),
   * whoever makes it: the provider, or your own admin code calling `revokeGrant` directly. Give
   * the providers' `tokenCache.revocations` the same channel, so that each instance's token cache
   * drops a token revoked anywhere.
   */
  revocations?: RevocationChannel;
}

/**
 * A TokenStore on the app's own ioredis client (a single Redis or an ioredis Cluster); it never
 * opens a connection of its own. Build the client with `recommendedRedisOptions` so that an outage
 * fails fast (a rejected promise here, a 503 at the edge) instead of queueing commands.
 *
 * Needs Redis ≥ 6.2. Key layout: see keys.ts; atomic steps: see scripts.ts.
 */
export function redisTokenStore(client: Redis | Cluster, options: RedisTokenStoreOptions = {}): TokenStore {
  const context = { client, keys: createKeys(options.prefix), run: defineScripts(client) };
  const index = grantIndex(context);
  const store: TokenStore = {
    ...transactionMethods(context),
    ...grantMethods(context, index),
    ...tokenMethods(context, index),
    ...deviceMethods(context),
    ...dpopProofMethods(context),
    ...pushedRequestMethods(context),
  };
  return options.revocations ? announceRevocations(store, options.revocations) : store;
}
