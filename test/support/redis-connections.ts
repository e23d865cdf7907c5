import Redis, { type RedisOptions } from 'ioredis';
import { keysUnder } from './redis-keys';
import { REDIS_URL } from './services';

/**
 * The Redis connections of one test file that runs several instances against one Redis (a
 * publisher, subscribers, stores): each opened with `connect`, all closed by `close`, which first
 * deletes the file's keys (its unique prefix) so the next run starts clean.
 */
export function redisConnections(prefix: string) {
  const connections: Redis[] = [];
  return {
    connect(options: RedisOptions = {}): Redis {
      // Default options: outage behaviour (recommendedRedisOptions) is tested in outages.test.ts.
      const client = new Redis(REDIS_URL, options);
      client.on('error', () => undefined);
      connections.push(client);
      return client;
    },
    async close(): Promise<void> {
      const cleaner = connections[0];
      const keys = cleaner ? await keysUnder(cleaner, prefix) : [];
      if (keys.length) await cleaner!.del(...keys);
      for (const client of connections) client.disconnect();
    },
  };
}
