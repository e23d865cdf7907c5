import { Cluster } from 'ioredis';
import { recommendedClusterOptions, redisKeyStore, redisTokenStore } from '../../adapters/redis';
import { makeAccessToken, makeCode, makeGrant, makeRefreshToken, runKeyStoreContract, runTokenStoreContract } from '../../src/testing';
import { describeIf, has, REDIS_CLUSTER_NODES, uniquePrefix } from '../support/services';
import { keysUnder } from '../support/redis-keys';

// Start the cluster with .ci/redis-cluster.sh (127.0.0.1:7000-7002).
const prefix = `${uniquePrefix('rcluster')}:`;

describeIf(has.redisCluster)('redisTokenStore on a Redis Cluster', () => {
  let cluster: Cluster;

  beforeAll(async () => {
    cluster = new Cluster(REDIS_CLUSTER_NODES, recommendedClusterOptions);
    cluster.on('error', () => undefined); // node reconnects are logged by the site, not thrown
    // With the offline queue off, commands are refused until the cluster knows its slots.
    await new Promise<void>((resolve, reject) => {
      cluster.once('ready', () => resolve());
      setTimeout(() => reject(new Error('the cluster on 127.0.0.1:7000-7002 did not become ready')), 10_000).unref();
    });
  });
  afterAll(async () => {
    // One DEL per key: the keys of different grants live in different slots.
    await Promise.all((await keysUnder(cluster, prefix)).map((key) => cluster.del(key)));
    await cluster.quit();
  });

  runTokenStoreContract('redis cluster', () => redisTokenStore(cluster, { prefix }));
  runKeyStoreContract('redis cluster', () => redisKeyStore(cluster, { prefix }));

  it('keeps every key of one grant in one slot, and spreads grants over the nodes', async () => {
    const p = `${prefix}slots:`;
    const store = redisTokenStore(cluster, { prefix: p });
    const grants = Array.from({ length: 12 }, () => makeGrant());
    for (const grant of grants) {
      await store.saveCode(makeCode(grant));
      expect(await store.saveTokens(grant, makeAccessToken(grant), makeRefreshToken(grant))).toBe(true);
    }
    const slotOf = async (key: string) => Number(await cluster.cluster('KEYSLOT', key));
    const grantSlots = new Set<number>();
    for (const grant of grants) {
      const keys = (await keysUnder(cluster, `${p}{${grant.id}}`));
      expect(keys.length).toBe(4); // grant, member index (with the access token), code, refresh
      const slots = new Set(await Promise.all(keys.map(slotOf)));
      expect(slots.size).toBe(1);
      grantSlots.add([...slots][0]!);
    }
    expect(grantSlots.size).toBeGreaterThan(1);

    // Listing without a filter scans every master.
    const listed = new Set((await store.listGrants({})).map((g) => g.id));
    for (const grant of grants) expect(listed.has(grant.id)).toBe(true);

    for (const grant of grants) expect(await store.revokeGrant(grant.id)).toBe(true);
    // Left of each grant: its revocation marker only.
    expect((await keysUnder(cluster, p)).filter((key) => key.includes('{')).sort())
      .toEqual(grants.map((grant) => `${p}{${grant.id}}:x`).sort());
  });
});
