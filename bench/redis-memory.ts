/**
 * Redis bytes per live access token, as `MEMORY USAGE <key> SAMPLES 0` sums over the keys the Redis
 * adapter writes (prints JSON; run.mjs calls it). Two shapes:
 *  - one grant per token (a login = one grant, one access token, no refresh token): every key of
 *    the grant plus its share of the user and client index zsets;
 *  - one more token in an existing grant: what its entry adds to the grant's member index `:m`.
 */
import Redis from 'ioredis';
import { redisTokenStore } from '../adapters/redis';
import { cleanup, mintTokens, pool, redis, REDIS_PREFIX } from './fixtures';
import { mintGrantSecret, randomId } from '../src/crypto';

const N = 1000;

async function usageByKind(client: Redis): Promise<Record<string, { keys: number; bytes: number }>> {
  const kinds: Record<string, { keys: number; bytes: number }> = {};
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${REDIS_PREFIX}*`, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) {
      const bytes = (await client.call('MEMORY', 'USAGE', key, 'SAMPLES', '0')) as number;
      // `<p>{grant}:m` → `m`; `<p>u:<user>` → `u`.
      const kind = /}:([a-z])/.exec(key)?.[1] ?? key.slice(REDIS_PREFIX.length, REDIS_PREFIX.length + 1);
      kinds[kind] ??= { keys: 0, bytes: 0 };
      kinds[kind].keys += 1;
      kinds[kind].bytes += bytes;
    }
  } while (cursor !== '0');
  return kinds;
}

const total = (kinds: Record<string, { bytes: number }>) => Object.values(kinds).reduce((sum, k) => sum + k.bytes, 0);

async function main(): Promise<void> {
  const client = await redis();
  const tokens = redisTokenStore(client, { prefix: REDIS_PREFIX });

  // One grant per token, for 1000 users (mintTokens uses user<i % 1000>) and one client.
  await pool(N, (i) => mintTokens(tokens, 'client1', i));
  const perGrant = await usageByKind(client);
  await cleanup();

  // N tokens in one grant: the marginal cost of one more access token.
  const client2 = await redis();
  const tokens2 = redisTokenStore(client2, { prefix: REDIS_PREFIX });
  const grantId = randomId();
  const now = Date.now();
  const grant = { id: grantId, kind: 'authorization' as const, userId: 'user1', clientId: 'client1', scopes: ['read'], resources: [] as string[], openid: null, name: null, createdAt: new Date(now), expiresAt: new Date(now + 86_400_000) };
  const save = () => tokens2.saveTokens(grant, { hash: mintGrantSecret(grantId).hash, grantId, clientId: 'client1', userId: 'user1', scopes: ['read'], resources: [], expiresAt: new Date(now + 3_600_000) }, null);
  await save();
  const one = total(await usageByKind(client2));
  for (let i = 1; i < N; i++) await save();
  const many = await usageByKind(client2);
  const marginal = (total(many) - one) / (N - 1);
  await cleanup();

  // N refreshes of one grant: what each rotation leaves behind for the refresh token's life (its tombstone).
  const client3 = await redis();
  const tokens3 = redisTokenStore(client3, { prefix: REDIS_PREFIX });
  const rotatedGrant = { ...grant, id: randomId() };
  const refreshOf = () => ({ hash: mintGrantSecret(rotatedGrant.id).hash, grantId: rotatedGrant.id, clientId: 'client1', userId: 'user1', scopes: ['read'], resources: [] as string[], expiresAt: new Date(now + 86_400_000) });
  let live = refreshOf();
  const access: string[] = [];
  const saveRotation = () => {
    const hash = mintGrantSecret(rotatedGrant.id).hash;
    access.push(hash);
    return tokens3.saveTokens(rotatedGrant, { ...live, hash, expiresAt: new Date(now + 3_600_000) }, live);
  };
  await saveRotation();
  const beforeRotations = total(await usageByKind(client3));
  for (let i = 0; i < N; i++) {
    await tokens3.consumeRefreshToken(rotatedGrant.id, live.hash);
    live = refreshOf();
    await saveRotation();
  }
  // The access tokens end within the hour; what stays for the refresh token's life is the tombstones.
  for (const hash of access) await tokens3.revokeAccessToken(rotatedGrant.id, hash);
  const perRotation = (total(await usageByKind(client3)) - beforeRotations) / N;
  await cleanup();

  const perToken = total(perGrant) / N;
  const breakdown = Object.entries(perGrant).map(([kind, k]) => `${kind}: ${(k.bytes / N).toFixed(0)}`).join(', ');
  process.stdout.write(JSON.stringify({
    tokens: N,
    oneGrantPerToken: { bytesPerToken: perToken, byKind: perGrant },
    oneMoreTokenInAGrant: { bytesPerToken: marginal },
    refreshRotation: { bytesKept: perRotation },
    summary: `${perToken.toFixed(0)} B with its own grant (${breakdown}); ${marginal.toFixed(0)} B for one more token in an existing grant (an entry of its member index, no key); ${perRotation.toFixed(0)} B kept per refresh rotation (the used token's tombstone entry, until it expires)`,
  }));
  process.exit(0);
}

main().catch(async (err) => {
  console.error(err);
  await cleanup();
  process.exit(1);
});
