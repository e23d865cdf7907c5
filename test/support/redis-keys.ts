import type { Cluster, Redis } from 'ioredis';

/** Every key under a prefix (SCAN, never KEYS), on a single Redis or on every master of a Cluster. */
export async function keysUnder(client: Redis | Cluster, keyPrefix: string): Promise<string[]> {
  const nodes: Redis[] = client.isCluster ? (client as Cluster).nodes('master') : [client as Redis];
  const found: string[] = [];
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 1000);
      cursor = next;
      found.push(...keys);
    } while (cursor !== '0');
  }
  return found;
}
