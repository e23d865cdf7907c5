import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import Redis from 'ioredis';
import { recommendedRedisOptions, redisKeyStore, redisTokenStore } from '../../adapters/redis';
import { mintGrantSecret, randomId } from '../../src/crypto';
import type { GrantRecord } from '../../src/storage/records';
import type { TokenStore } from '../../src/storage/token-store';
import {
  fromNow, makeAccessToken, makeAuthorizationRequest, makeClientGrant, makeCode, makeDeviceAuthorization, makeDeviceTransaction, makeGrant,
  makeOpenId, makePersonalGrant, makePushedRequest, makeRefreshToken, makeSigningKey, runKeyStoreContract, runTokenStoreContract,
} from '../../src/testing';
import { describeIf, has, hasBinary, REDIS_URL, uniquePrefix } from '../support/services';
import { keysUnder } from '../support/redis-keys';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const prefix = `${uniquePrefix('redis')}:`;
/** The hang test starts its own server, so it needs the binary, not just a Redis on 6379. */
const hasRedisServerBinary = hasBinary('redis-server', "the redis adapter's hang-and-recover test (test/adapters/redis.test.ts)");

/** Every string stored under the prefix, keys and values alike (strings and sorted sets). */
async function everythingUnder(redis: Redis, keyPrefix: string): Promise<string[]> {
  const out: string[] = [];
  for (const key of await keysUnder(redis, keyPrefix)) {
    out.push(key);
    const type = await redis.type(key);
    if (type === 'string') out.push((await redis.get(key)) ?? '');
    else if (type === 'zset') out.push(...(await redis.zrange(key, 0, -1)));
    else throw new Error(`unexpected ${type} at ${key}`);
  }
  return out;
}

/** Resolves to what the promise settled with, or to 'hung' after ms. */
function settleWithin(promise: Promise<unknown>, ms: number): Promise<'resolved' | 'rejected' | 'hung'> {
  return Promise.race([
    promise.then(() => 'resolved' as const, () => 'rejected' as const),
    new Promise<'hung'>((resolve) => { setTimeout(() => resolve('hung'), ms).unref(); }),
  ]);
}

/** One call of every TokenStore method, with arguments that would succeed against a live Redis. */
function everyMethod(store: TokenStore): Array<[string, () => Promise<unknown>]> {
  const grant = makeGrant();
  const code = makeCode(grant);
  const access = makeAccessToken(grant);
  const refresh = makeRefreshToken(grant);
  return [
    ['saveAuthorizationRequest', () => store.saveAuthorizationRequest(makeAuthorizationRequest())],
    ['getAuthorizationRequest', () => store.getAuthorizationRequest(randomId())],
    ['deleteAuthorizationRequest', () => store.deleteAuthorizationRequest(randomId())],
    ['saveCode', () => store.saveCode(code)],
    ['findCode', () => store.findCode(grant.id, code.hash)],
    ['consumeCode', () => store.consumeCode(grant.id, code.hash)],
    ['saveTokens', () => store.saveTokens(grant, access, refresh)],
    ['getAccessToken', () => store.getAccessToken(grant.id, access.hash)],
    ['findRefreshToken', () => store.findRefreshToken(grant.id, refresh.hash)],
    ['consumeRefreshToken', () => store.consumeRefreshToken(grant.id, refresh.hash)],
    ['revokeAccessToken', () => store.revokeAccessToken(grant.id, access.hash)],
    ['revokeGrant', () => store.revokeGrant(grant.id)],
    ['getGrant', () => store.getGrant(grant.id)],
    ['listGrants', () => store.listGrants({ userId: grant.userId! })],
    ['saveDeviceTransaction', () => store.saveDeviceTransaction(makeDeviceTransaction())],
    ['findDeviceTransaction', () => store.findDeviceTransaction(randomId())],
    ['consumeDeviceTransaction', () => store.consumeDeviceTransaction(randomId())],
  ];
}

describeIf(has.redis)('redisTokenStore on a single Redis', () => {
  let redis: Redis;

  beforeAll(() => {
    redis = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    const leftovers = await keysUnder(redis, prefix);
    if (leftovers.length > 0) await redis.del(...leftovers);
    await redis.quit();
  });

  runTokenStoreContract('redis', () => redisTokenStore(redis, { prefix }));
  runKeyStoreContract('redis', () => redisKeyStore(redis, { prefix: `${prefix}sk:` }));

  describe('signing keys in Redis', () => {
    it('keeps them in one hash that lives as long as its latest key', async () => {
      const p = `${prefix}skttl:`;
      const store = redisKeyStore(redis, { prefix: p });
      const short = makeSigningKey({ expiresAt: fromNow(HOUR) });
      const long = makeSigningKey({ expiresAt: fromNow(DAY) });
      expect(await store.addSigningKey(long)).toBe(true);
      expect(await store.addSigningKey(short)).toBe(true);
      expect(await keysUnder(redis, p)).toEqual([`${p}{keys}`]);
      const pttl = await redis.pttl(`${p}{keys}`);
      expect(pttl).toBeGreaterThan(DAY - MINUTE);
      expect(pttl).toBeLessThanOrEqual(DAY + 1000);
      expect(await redis.hlen(`${p}{keys}`)).toBe(2);
    });
  });

  describe('what lands in Redis', () => {
    it('L2: gives every key a TTL above 0 and no longer than the life of what it holds', async () => {
      const p = `${prefix}ttl:`;
      const store = redisTokenStore(redis, { prefix: p });
      const grant = makeGrant({ expiresAt: fromNow(7 * DAY) });
      await store.saveAuthorizationRequest(makeAuthorizationRequest({ expiresAt: fromNow(10 * MINUTE) }));
      await store.saveDeviceTransaction(makeDeviceTransaction({ expiresAt: fromNow(10 * MINUTE) }));
      const pushed = makePushedRequest({ expiresAt: fromNow(MINUTE) });
      await store.savePushedRequest(pushed);
      const code = makeCode(grant, { expiresAt: fromNow(5 * MINUTE) });
      await store.saveCode(code);
      expect(await store.consumeCode(grant.id, code.hash)).toBe(true);
      const refresh = makeRefreshToken(grant, { expiresAt: fromNow(7 * DAY) });
      expect(await store.saveTokens(grant, makeAccessToken(grant, { expiresAt: fromNow(HOUR) }), refresh)).toBe(true);
      expect(await store.consumeRefreshToken(grant.id, refresh.hash)).toBe(true);
      expect(await store.saveTokens(grant, makeAccessToken(grant, { expiresAt: fromNow(HOUR), scopes: ['read'] }),
        makeRefreshToken(grant, { expiresAt: fromNow(7 * DAY) }))).toBe(true);
      const personal = makePersonalGrant({ expiresAt: fromNow(DAY) });
      expect(await store.saveTokens(personal, makeAccessToken(personal, { expiresAt: fromNow(DAY) }), null)).toBe(true);
      const revoked = makeGrant({ expiresAt: fromNow(2 * HOUR) });
      expect(await store.saveTokens(revoked, makeAccessToken(revoked), null)).toBe(true);
      expect(await store.revokeGrant(revoked.id)).toBe(true);
      await store.revokeGrant(randomId()); // a marker for a grant never seen

      const lifeOf = (key: string): number => {
        const rest = key.slice(p.length);
        if (rest.startsWith('q:') || rest.startsWith('t:')) return 10 * MINUTE;
        if (rest.startsWith('p:')) return MINUTE;
        // Index scores (and so the index TTL) are a user's grant's creation plus the 31-day horizon, or
        // its expiry when later, rounded up to a day (INDEX_HORIZON_MS, INDEX_STEP_MS).
        if (rest.startsWith('u:') || rest.startsWith('k:')) return 32 * DAY;
        if (rest.endsWith(':x')) return 2 * HOUR; // the revoked grant's remaining life (≥ 10 min)
        if (rest.includes(':c:')) return 5 * MINUTE;
        if (rest.endsWith(':l')) return HOUR; // long-form access tokens (narrowed scopes)
        return rest.startsWith(`{${personal.id}}`) ? DAY : 7 * DAY; // refresh tokens, grants and member indexes: their longest member
      };
      const keys = await keysUnder(redis, p);
      expect(keys.length).toBeGreaterThanOrEqual(14);
      expect(keys).toContain(`${p}p:${pushed.hash}`);
      for (const key of keys) {
        const pttl = await redis.pttl(key);
        expect({ key, ok: pttl > 0 && pttl <= lifeOf(key) + 1000 }).toEqual({ key, ok: true });
      }
      // Of the revoked grant only its marker is left.
      expect(keys.filter((k) => k.startsWith(`${p}{${revoked.id}}`))).toEqual([`${p}{${revoked.id}}:x`]);
    });

    it('revokeGrant deletes every key of the grant at once: SCAN then finds only its revocation marker', async () => {
      const p = `${prefix}gone:`;
      const store = redisTokenStore(redis, { prefix: p });
      const grant = makeGrant({ expiresAt: fromNow(7 * DAY) });
      const used = makeCode(grant);
      await store.saveCode(used);
      expect(await store.consumeCode(grant.id, used.hash)).toBe(true);
      await store.saveCode(makeCode(grant));
      let refresh = makeRefreshToken(grant, { expiresAt: fromNow(7 * DAY) });
      expect(await store.saveTokens(grant, makeAccessToken(grant), refresh)).toBe(true);
      for (let i = 0; i < 3; i += 1) {
        expect(await store.consumeRefreshToken(grant.id, refresh.hash)).toBe(true); // leaves a tombstone
        refresh = makeRefreshToken(grant, { expiresAt: fromNow(7 * DAY) });
        expect(await store.saveTokens(grant, makeAccessToken(grant, { scopes: ['read'] }), refresh)).toBe(true);
      }
      const device = makeDeviceAuthorization({ grantId: grant.id, clientId: grant.clientId! });
      await store.saveDeviceAuthorization(device);
      const kinds = (await keysUnder(redis, `${p}{`)).map((k) => k.slice(`${p}{${grant.id}}:`.length).split(':')[0]).sort();
      expect(kinds).toEqual(['c', 'c', 'd', 'g', 'l', 'm', 'r']);

      expect(await store.revokeGrant(grant.id)).toBe(true);
      expect(await keysUnder(redis, `${p}{`)).toEqual([`${p}{${grant.id}}:x`]);
      // The marker still refuses what a racing exchange would save after the revocation.
      expect(await store.saveTokens(grant, makeAccessToken(grant), null)).toBe(false);
      expect(await keysUnder(redis, `${p}{`)).toEqual([`${p}{${grant.id}}:x`]);
    });

    it('writes no user index for a client_credentials grant: its grant, member index and client index only', async () => {
      const p = `${prefix}client:`;
      const store = redisTokenStore(redis, { prefix: p });
      const grant = makeClientGrant({ expiresAt: fromNow(HOUR) });
      const access = makeAccessToken(grant, { expiresAt: grant.expiresAt });
      expect(await store.saveTokens(grant, access, null)).toBe(true);
      const rest = (await keysUnder(redis, p)).map((k) => k.slice(p.length)).sort();
      expect(rest).toEqual([`k:${grant.clientId}`, `{${grant.id}}:g`, `{${grant.id}}:m`]);
      expect(await store.getAccessToken(grant.id, access.hash)).toEqual(access);

      expect(await store.revokeGrant(grant.id)).toBe(true);
      expect((await keysUnder(redis, p)).map((k) => k.slice(p.length))).toEqual([`{${grant.id}}:x`]);
    });

    it('L1: stores no plain code or token, in any key or value, only their hashes', async () => {
      const p = `${prefix}plain:`;
      const store = redisTokenStore(redis, { prefix: p });
      const grant: GrantRecord = makeGrant();
      const plain: string[] = [];
      const hashes: string[] = [];
      const mint = () => {
        const { value, hash } = mintGrantSecret(grant.id);
        plain.push(value);
        hashes.push(hash);
        return hash;
      };
      const code = makeCode(grant, { hash: mint() });
      await store.saveCode(code);
      await store.consumeCode(grant.id, code.hash);
      const refresh = makeRefreshToken(grant, { hash: mint() });
      await store.saveTokens(grant, makeAccessToken(grant, { hash: mint() }), refresh);
      await store.consumeRefreshToken(grant.id, refresh.hash);
      await store.saveTokens(grant, makeAccessToken(grant, { hash: mint() }), makeRefreshToken(grant, { hash: mint() }));

      const stored = (await everythingUnder(redis, p)).join('\n');
      for (const value of plain) {
        expect(stored).not.toContain(value);
        expect(stored).not.toContain(value.slice(value.indexOf('.') + 1)); // the secret part alone
      }
      for (const hash of hashes) expect(stored).toContain(hash);
    });

    it('measures MEMORY USAGE of one live access token: at most 200 B for everything it adds, in no key of its own', async () => {
      const p = `${prefix}mem:`;
      const store = redisTokenStore(redis, { prefix: p });
      const grant = makeGrant({ scopes: ['identity', 'read', 'create', 'update', 'vote'] });
      expect(await store.saveTokens(grant, makeAccessToken(grant), makeRefreshToken(grant))).toBe(true);
      const usage = async (key: string) => Number(await redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0'));
      /** Every key under the prefix with its bytes (0 for a key that does not exist). */
      const snapshot = async () => new Map(await Promise.all((await keysUnder(redis, p)).map(async (k) => [k, await usage(k)] as const)));
      const before = await snapshot();

      const asGranted = makeAccessToken(grant);
      const narrowed = makeAccessToken(grant, { scopes: ['read'] });
      expect(await store.saveTokens(grant, asGranted, null)).toBe(true);
      const afterOne = await snapshot();
      expect(await store.saveTokens(grant, narrowed, null)).toBe(true);
      const afterTwo = await snapshot();
      /** What `after` holds beyond `base`, summed over every key: new keys in full, grown keys by their growth. */
      const added = (base: Map<string, number>, after: Map<string, number>) =>
        [...after].reduce((sum, [key, bytes]) => sum + bytes - (base.get(key) ?? 0), 0);
      const changedKeys = (base: Map<string, number>, after: Map<string, number>) =>
        [...after].filter(([key, bytes]) => base.get(key) !== bytes).map(([key]) => key.slice(p.length));
      const tokenBytes = added(before, afterOne);
      const narrowedBytes = added(afterOne, afterTwo);
      process.stdout.write(`\nMEMORY USAGE added by one live access token: ${tokenBytes} B (${narrowedBytes} B with narrowed scopes);`
        + ` keys changed: ${changedKeys(before, afterOne).join(', ')}\n`);
      // The usual token is one entry of its grant's member index; a narrowed one a field of the grant's
      // long-form hash. Neither has a key of its own, so revokeGrant deletes them at once.
      expect(changedKeys(before, afterOne)).toEqual([`{${grant.id}}:m`]);
      expect(changedKeys(afterOne, afterTwo)).toEqual([`{${grant.id}}:l`]);
      // The target is 200 B; the bound leaves room for other Redis builds' allocators.
      expect(tokenBytes).toBeLessThanOrEqual(200);
      expect(narrowedBytes).toBeLessThanOrEqual(200);
      expect(await store.getAccessToken(grant.id, asGranted.hash)).toEqual(asGranted);
      expect(await store.getAccessToken(grant.id, narrowed.hash)).toEqual(narrowed);
    });

    it('keeps a rotated refresh token as a tombstone entry of its grant\'s member index only, of at most 200 B (168 B as a key of its own)', async () => {
      const p = `${prefix}rot:`;
      const store = redisTokenStore(redis, { prefix: p });
      const grant = makeGrant({ scopes: ['identity', 'read', 'create', 'update', 'vote'] });
      const usage = async (key: string) => Number(await redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0'));
      const total = async () => (await Promise.all((await keysUnder(redis, p)).map(usage))).reduce((a, b) => a + b, 0);
      let refresh = makeRefreshToken(grant);
      expect(await store.saveTokens(grant, makeAccessToken(grant), refresh)).toBe(true);
      const before = await total();
      // A refresh: the old token is consumed, a new pair saved. What stays for 30 days is the tombstone.
      const ROTATIONS = 50;
      const access: string[] = [];
      for (let i = 0; i < ROTATIONS; i += 1) {
        expect(await store.consumeRefreshToken(grant.id, refresh.hash)).toBe(true);
        refresh = makeRefreshToken(grant);
        const token = makeAccessToken(grant);
        access.push(token.hash);
        expect(await store.saveTokens(grant, token, refresh)).toBe(true);
      }
      // Access tokens expire within the hour; count only what outlives them.
      for (const hash of access) expect(await store.revokeAccessToken(grant.id, hash)).toBe(true);
      const perRotation = (await total() - before) / ROTATIONS;
      process.stdout.write(`\nMEMORY USAGE kept per refresh-token rotation (its tombstone): ${perRotation.toFixed(0)} B\n`);
      expect(perRotation).toBeLessThanOrEqual(200);
      // The first access token, the live refresh token and one tombstone per rotation; no other key.
      expect(await redis.zcard(`${p}{${grant.id}}:m`)).toBe(2 + ROTATIONS);
      expect((await keysUnder(redis, p)).map((k) => k.slice(p.length)).sort())
        .toEqual([`{${grant.id}}:g`, `{${grant.id}}:m`, `{${grant.id}}:r:${refresh.hash}`, `u:${grant.userId}`, `k:${grant.clientId}`].sort());
      expect(await store.findRefreshToken(grant.id, refresh.hash)).toEqual({ record: refresh, used: false });
    });

    it('still reads and revokes an access token an earlier version kept under a key of its own', async () => {
      const p = `${prefix}legacy:`;
      const store = redisTokenStore(redis, { prefix: p });
      const grant = makeGrant();
      expect(await store.saveTokens(grant, makeAccessToken(grant), null)).toBe(true);
      const old = makeAccessToken(grant);
      await redis.set(`${p}{${grant.id}}:a:${old.hash}`, JSON.stringify([old.expiresAt.getTime()]), 'PX', HOUR);
      expect(await store.getAccessToken(grant.id, old.hash)).toEqual(old);
      expect(await store.revokeAccessToken(grant.id, old.hash)).toBe(true);
      expect(await store.getAccessToken(grant.id, old.hash)).toBeNull();
      expect(await redis.exists(`${p}{${grant.id}}:a:${old.hash}`)).toBe(0);
    });

    it('reads values an earlier version stored without resources as bound to none', async () => {
      const p = `${prefix}noresources:`;
      const store = redisTokenStore(redis, { prefix: p });
      const api = ['https://forum.example/api'];
      const request = makeAuthorizationRequest({ resources: api });
      await store.saveAuthorizationRequest(request);
      const grant = makeGrant({ resources: api });
      // Scopes narrowed too, so that the access token is written in full, as an earlier version did.
      const access = makeAccessToken(grant, { scopes: ['read'] });
      const refresh = makeRefreshToken(grant);
      expect(await store.saveTokens(grant, access, refresh)).toBe(true);
      const code = makeCode(grant);
      await store.saveCode(code);
      // Each value as the version before resource indicators wrote it: the same tuple without its last element.
      const keys = await keysUnder(redis, p);
      for (const key of [`${p}q:${request.id}`, `${p}{${grant.id}}:g`, `${p}{${grant.id}}:c:${code.hash}`, `${p}{${grant.id}}:r:${refresh.hash}`]) {
        expect(keys).toContain(key);
        const tuple = JSON.parse((await redis.get(key))!) as unknown[];
        expect(tuple.at(-1)).toEqual(api);
        await redis.set(key, JSON.stringify(tuple.slice(0, -1)), 'KEEPTTL');
      }
      const long = `${p}{${grant.id}}:l`;
      expect(keys).toContain(long);
      const accessTuple = JSON.parse((await redis.hget(long, access.hash))!) as unknown[];
      expect(accessTuple.at(-1)).toEqual(api);
      await redis.hset(long, access.hash, JSON.stringify(accessTuple.slice(0, -1)));

      expect(await store.getAuthorizationRequest(request.id)).toEqual({ ...request, resources: [] });
      expect(await store.findCode(grant.id, code.hash)).toEqual({ record: { ...code, resources: [] }, used: false });
      expect(await store.getGrant(grant.id)).toEqual({ ...grant, resources: [] });
      expect(await store.getAccessToken(grant.id, access.hash)).toEqual({ ...access, resources: [] });
      expect(await store.findRefreshToken(grant.id, refresh.hash)).toEqual({ record: { ...refresh, resources: [] }, used: false });
    });

    it('reads grants, codes and consent transactions an earlier version stored without openid as null', async () => {
      const p = `${prefix}noopenid:`;
      const store = redisTokenStore(redis, { prefix: p });
      const openid = makeOpenId({ nonce: null });
      const request = makeAuthorizationRequest({ openid: makeOpenId() });
      await store.saveAuthorizationRequest(request);
      const { grant, access } = await (async () => {
        const g = makeGrant({ openid });
        const a = makeAccessToken(g);
        expect(await store.saveTokens(g, a, null)).toBe(true);
        return { grant: g, access: a };
      })();
      const code = makeCode(grant, { openid: makeOpenId() });
      await store.saveCode(code);
      // Each value as the version before OpenID Connect wrote it: the same tuple without its last two
      // elements (openid, and resources, which came later still).
      const keys = await keysUnder(redis, p);
      for (const key of [`${p}q:${request.id}`, `${p}{${grant.id}}:g`, `${p}{${grant.id}}:c:${code.hash}`]) {
        expect(keys).toContain(key);
        const tuple = JSON.parse((await redis.get(key))!) as unknown[];
        expect(tuple.at(-2)).not.toBeNull();
        await redis.set(key, JSON.stringify(tuple.slice(0, -2)), 'KEEPTTL');
      }
      expect(await store.getAuthorizationRequest(request.id)).toEqual({ ...request, openid: null });
      expect(await store.findCode(grant.id, code.hash)).toEqual({ record: { ...code, openid: null }, used: false });
      expect(await store.getGrant(grant.id)).toEqual({ ...grant, openid: null });
      expect(await store.listGrants({ userId: grant.userId! })).toEqual([{ ...grant, openid: null }]);
      expect(await store.getAccessToken(grant.id, access.hash)).toEqual(access);
      // The old grant stays without a sign-in when a refresh saves tokens with one.
      expect(await store.saveTokens(grant, makeAccessToken(grant), makeRefreshToken(grant))).toBe(true);
      expect((await store.getGrant(grant.id))?.openid).toBeNull();
      expect(await store.consumeCode(grant.id, code.hash)).toBe(true);
      expect(await store.findCode(grant.id, code.hash)).toEqual({ record: { ...code, openid: null }, used: true });
    });

    it('works under a keyPrefix set on the app\'s own client: revocation still finds every key', async () => {
      const keyPrefix = `${prefix}kp:`;
      const prefixed = new Redis(REDIS_URL, { keyPrefix });
      try {
        const store = redisTokenStore(prefixed, { prefix: 'x:' });
        const { grant, access, refresh } = await (async () => {
          const g = makeGrant();
          const a = makeAccessToken(g);
          const r = makeRefreshToken(g);
          expect(await store.saveTokens(g, a, r)).toBe(true);
          return { grant: g, access: a, refresh: r };
        })();
        await store.saveCode(makeCode(grant));
        expect(await store.getAccessToken(grant.id, access.hash)).toEqual(access);
        expect((await store.listGrants({ userId: grant.userId! })).map((g) => g.id)).toEqual([grant.id]);
        expect(await store.listGrants({})).toEqual([grant]);
        expect(await store.revokeGrant(grant.id)).toBe(true);
        expect(await store.findRefreshToken(grant.id, refresh.hash)).toBeNull();
        // Only the marker is left.
        expect(await keysUnder(redis, keyPrefix)).toEqual([`${keyPrefix}x:{${grant.id}}:x`]);
        expect(await store.getAccessToken(grant.id, access.hash)).toBeNull();
      } finally {
        prefixed.disconnect();
      }
    });
  });
});

describe('redisTokenStore during an outage (recommendedRedisOptions)', () => {
  it('M1: rejects every method within 2 s when nothing listens, and raises no unhandled error', async () => {
    const client = new Redis({ ...recommendedRedisOptions, host: '127.0.0.1', port: 1 });
    const errors: unknown[] = [];
    client.on('error', (err: unknown) => errors.push(err)); // as a site would, to log it
    try {
      const store = redisTokenStore(client, { prefix: 'unused:' });
      for (const [name, call] of everyMethod(store)) {
        expect([name, await settleWithin(call(), 2000)]).toEqual([name, 'rejected']);
      }
    } finally {
      client.disconnect();
    }
  });

  describeIf(has.redis && hasRedisServerBinary)('a Redis that hangs, then comes back', () => {
    let server: ChildProcess | undefined;
    let port = 0;

    beforeAll(async () => {
      port = await new Promise<number>((resolve, reject) => {
        const probe = net.createServer().listen(0, '127.0.0.1', () => {
          const address = probe.address();
          probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
        });
      });
      server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
      await new Promise<void>((resolve, reject) => {
        server!.once('error', reject); // redis-server not installed: the test fails saying so
        const deadline = Date.now() + 5000;
        const poll = () => {
          const socket = net.connect({ host: '127.0.0.1', port }, () => { socket.destroy(); resolve(); });
          socket.once('error', () => (Date.now() > deadline ? reject(new Error('redis-server did not start')) : setTimeout(poll, 50)));
        };
        poll();
      });
    });
    afterAll(() => {
      if (server?.pid) {
        process.kill(server.pid, 'SIGCONT');
        server.kill('SIGKILL');
      }
    });

    it('M5/M6: rejects within 2 s while the server is stopped, and works again once it resumes', async () => {
      const client = new Redis({ ...recommendedRedisOptions, host: '127.0.0.1', port });
      client.on('error', () => undefined);
      try {
        await new Promise<void>((resolve) => client.once('ready', () => resolve()));
        const store = redisTokenStore(client);
        const grant = makeGrant();
        const access = makeAccessToken(grant);
        expect(await store.saveTokens(grant, access, null)).toBe(true);

        process.kill(server!.pid!, 'SIGSTOP');
        try {
          // Reads only: a timed-out write still sits in the stopped server's socket and runs on resume.
          expect(await settleWithin(store.getAccessToken(grant.id, access.hash), 2000)).toBe('rejected');
          expect(await settleWithin(store.getGrant(grant.id), 2000)).toBe('rejected');
        } finally {
          process.kill(server!.pid!, 'SIGCONT');
        }

        let found: unknown = 'not yet';
        for (let i = 0; i < 50 && found === 'not yet'; i += 1) {
          found = await store.getAccessToken(grant.id, access.hash).catch(async () => {
            await new Promise((resolve) => setTimeout(resolve, 100));
            return 'not yet';
          });
        }
        expect(found).toEqual(access);
      } finally {
        client.disconnect();
      }
    });
  });
});
