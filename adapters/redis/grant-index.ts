import type { Cluster, Redis } from 'ioredis';
import type { GrantRecord } from '../../src/storage';
import type { RedisStoreContext } from './context';
import { decodeGrant, ms, ttl } from './values';

/**
 * The user and client indexes score a grant by its expiry rounded up to this step, so that a
 * refresh, which moves the expiry a little later, rewrites them only when it crosses into the
 * next step (about once a day per grant) instead of every time. The score never falls below the
 * real expiry, so pruning by score never drops a live grant; the cost is that an index key and a
 * dead grant's entry live up to one step longer (listGrants reads each grant and skips dead ones).
 */
export const INDEX_STEP_MS = 24 * 60 * 60_000;
/**
 * A user's grant (kind `authorization`) is scored at least this long after its creation. Its code
 * exchange moves its expiry from the code's few minutes to the refresh token's lifetime (30 days by
 * default); with the horizon past that, the exchange finds the indexes already right and writes
 * neither. The cost: the entry of a grant whose code was never exchanged stays in the two indexes
 * up to this long (listGrants drops it on its next read, the grant key being gone).
 */
export const INDEX_HORIZON_MS = 31 * INDEX_STEP_MS;

/** As the scripts compute it (helpers.ts, indexStep), from the grant as saved. */
function indexScore(grant: GrantRecord): number {
  const expiresAt = ms(grant.expiresAt);
  const floor = grant.kind === 'authorization' ? ms(grant.createdAt) + INDEX_HORIZON_MS : expiresAt;
  return Math.ceil(Math.max(expiresAt, floor) / INDEX_STEP_MS) * INDEX_STEP_MS;
}

/** The user and client indexes of grants, which listGrants reads; kept outside the grants' slots. */
export interface GrantIndex {
  indexGrant(grant: GrantRecord, now: number): Promise<void>;
  grantsFromIndex(indexKey: string, now: number): Promise<GrantRecord[]>;
  scanAllGrants(now: number): Promise<GrantRecord[]>;
}

export function grantIndex({ client, keys, run }: RedisStoreContext): GrantIndex {
  async function addToIndex(indexKey: string, grantId: string, score: number, now: number): Promise<void> {
    await run('oauthStoreIndexGrant', [indexKey], [now, grantId, score, ttl(score, now)]);
  }

  /**
   * The listing indexes live in other slots, so in a Cluster they cannot join a script's atomic
   * step; they are written after the grant exists (never before, so an index entry without its
   * grant always means a dead grant, which listGrants drops). If this write fails the caller gets
   * an error and the grant stays unlisted until a save moves its expiry into another index step.
   */
  async function indexGrant(grant: GrantRecord, now: number): Promise<void> {
    // For a grant that existed, `createdAt` is the caller's (later than the stored one): the score
    // comes out at least as high as the script's, never lower than the real expiry.
    const score = indexScore(grant);
    await Promise.all([
      // A client_credentials grant has no user, so no user index: only its client lists it.
      grant.userId !== null ? addToIndex(keys.byUser(grant.userId), grant.id, score, now) : undefined,
      grant.clientId !== null ? addToIndex(keys.byClient(grant.clientId), grant.id, score, now) : undefined,
    ]);
  }

  async function grantsFromIndex(indexKey: string, now: number): Promise<GrantRecord[]> {
    const ids = await client.zrange(indexKey, 0, -1);
    // One GET per grant: each grant lives in its own slot, so in a Cluster no multi-key read spans them.
    const values = await Promise.all(ids.map((id) => client.get(keys.grant(id))));
    const grants: GrantRecord[] = [];
    const dead: string[] = [];
    ids.forEach((id, i) => {
      const value = values[i];
      if (!value) {
        dead.push(id);
        return;
      }
      const grant = decodeGrant(id, value);
      if (ms(grant.expiresAt) > now) grants.push(grant);
    });
    // An entry is only added after its grant was written, so a missing grant means revoked or
    // expired and the entry can go. (One only expired by our clock stays until Redis drops it:
    // a faked clock must not delete what the real one still keeps.) Pruning is housekeeping:
    // its failure must not fail the read.
    if (dead.length > 0) await client.zrem(indexKey, ...dead).catch(() => undefined);
    return grants;
  }

  /** Without a user or client there is no index to read: scan every node (an admin's rare query). */
  async function scanAllGrants(now: number): Promise<GrantRecord[]> {
    const keyPrefix = client.options.keyPrefix ?? '';
    const base = keys.grant('');
    const head = keyPrefix + base.slice(0, base.indexOf('{') + 1);
    const tail = base.slice(base.indexOf('}'));
    const match = `${head.replace(/[*?[\]\\]/g, '\\$&')}*${tail}`;
    const nodes: Redis[] = client.isCluster ? (client as Cluster).nodes('master') : [client as Redis];
    const ids = new Set<string>();
    for (const node of nodes) {
      let cursor = '0';
      do {
        const [next, found] = await node.scan(cursor, 'MATCH', match, 'COUNT', 1000);
        cursor = next;
        for (const key of found) ids.add(key.slice(head.length, key.length - tail.length));
      } while (cursor !== '0');
    }
    const grants = await Promise.all([...ids].map(async (id) => {
      const value = await client.get(keys.grant(id));
      return value ? decodeGrant(id, value) : null;
    }));
    return grants.filter((g): g is GrantRecord => g !== null && ms(g.expiresAt) > now);
  }

  return { indexGrant, grantsFromIndex, scanAllGrants };
}
