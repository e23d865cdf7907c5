import type { ClusterOptions, RedisOptions } from 'ioredis';

export { redisTokenStore } from './token-store';
export type { RedisTokenStoreOptions } from './token-store';
export { redisKeyStore } from './key-store';
export type { RedisKeyStoreOptions } from './key-store';
export { redisRevocationChannel } from './revocations';
export type { RedisRevocationChannelOptions } from './revocations';

/** Reconnect quickly and forever: the site must recover by itself when Redis comes back (checklist item M6, docs/security-checklist.md). */
const reconnectDelay = (attempt: number): number => Math.min(attempt * 100, 1000);

/**
 * The ioredis options we recommend for the client you hand to `redisTokenStore`: during an
 * outage every command fails within about a second (the provider answers 503) instead of
 * waiting in ioredis's offline queue through 20 retries (its defaults).
 *
 *   const redis = new Redis(process.env.REDIS_URL, recommendedRedisOptions);
 *   redis.on('error', (err) => log.warn(err));   // without a listener ioredis logs every reconnect failure
 */
export const recommendedRedisOptions: Readonly<RedisOptions> = Object.freeze({
  /** Refuse commands at once while disconnected, rather than holding them until a reconnect. */
  enableOfflineQueue: false,
  /** A command in flight when the connection drops is retried once, then rejected. */
  maxRetriesPerRequest: 1,
  /** A hung server (SIGSTOP, a network black hole) rejects the command after 1 s. */
  commandTimeout: 1000,
  /** A reconnect attempt to an unreachable host gives up after 1 s and tries again. */
  connectTimeout: 1000,
  retryStrategy: reconnectDelay,
});

/**
 * The same for an ioredis Cluster. Wait for its `ready` event before serving: with the offline
 * queue off, commands sent before the cluster knows its slots are refused.
 *
 *   const redis = new Cluster(nodes, recommendedClusterOptions);
 */
export const recommendedClusterOptions: Readonly<ClusterOptions> = Object.freeze({
  enableOfflineQueue: false,
  clusterRetryStrategy: reconnectDelay,
  slotsRefreshTimeout: 1000,
  redisOptions: {
    maxRetriesPerRequest: 1,
    commandTimeout: 1000,
    connectTimeout: 1000,
  },
});
