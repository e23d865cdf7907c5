import type { Cluster, Redis } from 'ioredis';
import type { Keys } from './keys';
import type { RunScript } from './scripts';

/** What every part of the Redis token store works with: the app's client, the key names and the scripts. */
export interface RedisStoreContext {
  client: Redis | Cluster;
  keys: Keys;
  run: RunScript;
}
