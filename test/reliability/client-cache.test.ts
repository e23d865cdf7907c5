import request from 'supertest';
import { memoryClientStore } from '../../adapters/memory';
import { redisRevocationChannel, redisTokenStore } from '../../adapters/redis';
import { ConfigurationError } from '../../src';
import { ClientCache } from '../../src/client-cache';
import type { ClientStore } from '../../src/storage/client-store';
import type { RevocationChannel, RevocationEvent, RevocationListener } from '../../src/storage';
import { heard, whenReady } from '../support/channel-waits';
import { useFakeClock } from '../support/fake-clock';
import { basic, createFixture, exchange, getCode, type Fixture } from '../support/provider-fixture';
import { describeIf, has, uniquePrefix } from '../support/services';
import { redisConnections } from '../support/redis-connections';

/**
 * The client-record cache (`clientCache`): the token endpoint reads clients from process memory,
 * and every client change made through any instance evicts the record on every instance over the
 * revocation channel, so a suspension or a rotated secret takes effect everywhere at once.
 */

/** The store with a count of `get` calls: a cache hit is a get that did not reach it. */
function counting(store: ClientStore): ClientStore & { reads: number } {
  const counted = Object.create(store) as ClientStore & { reads: number };
  counted.reads = 0;
  counted.get = (id) => {
    counted.reads += 1;
    return store.get(id);
  };
  return counted;
}

/** A channel in process memory: every publish reaches every listener at once; `ready` and `drop()` are the test's to set. */
function localChannel(): RevocationChannel & { ready: boolean; published: RevocationEvent[]; drop(): void; failPublish: boolean } {
  const listeners = new Set<RevocationListener>();
  const channel = {
    ready: true,
    failPublish: false,
    published: [] as RevocationEvent[],
    async publish(event: RevocationEvent) {
      if (channel.failPublish) throw new Error('channel down');
      channel.published.push(event);
      for (const l of listeners) l.event(event);
    },
    subscribe(listener: RevocationListener) {
      listeners.add(listener);
      return () => { listeners.delete(listener); };
    },
    drop() {
      channel.ready = false;
      for (const l of listeners) l.reset();
    },
  };
  return channel;
}

/** Asks the revoke endpoint about a token that does not exist: 200 once the client authenticates, and nothing else happens. */
const revokeNothing = (f: Fixture, id: string, secret: string) =>
  request(f.app).post('/oauth/revoke').set('Authorization', basic(id, secret)).type('form').send({ token: 'x'.repeat(43) });

describe('client cache in one provider', () => {
  const clock = useFakeClock();

  async function fixture(options: { ttlSeconds?: number; maxEntries?: number } = {}) {
    const clients = counting(memoryClientStore());
    const channel = localChannel();
    const f = await createFixture({ tokenCache: { revocations: channel }, clientCache: options }, { clients });
    return { f, clients, channel };
  }

  it('reads a client from the store once, then from memory, for client authentication and the K3 re-check of a code exchange', async () => {
    const { f, clients } = await fixture();
    expect((await revokeNothing(f, f.conf.id, f.conf.secret!)).status).toBe(200);
    const code = await getCode(f, f.conf);
    const before = clients.reads;
    const res = await exchange(f, f.conf, code);
    expect(res.status).toBe(200);
    expect(clients.reads - before).toBe(0);
  });

  it('suspending the client evicts it: the next token request is refused at once', async () => {
    const { f, channel } = await fixture();
    expect((await revokeNothing(f, f.conf.id, f.conf.secret!)).status).toBe(200);
    await f.oauth.clients.suspend(f.conf.id);
    expect(channel.published).toContainEqual({ type: 'client', clientId: f.conf.id });
    const refused = await revokeNothing(f, f.conf.id, f.conf.secret!);
    expect(refused.status).toBe(401);
    expect(refused.body.error).toBe('invalid_client');
  });

  it('a rotated secret replaces the old one at once', async () => {
    const { f } = await fixture();
    expect((await revokeNothing(f, f.conf.id, f.conf.secret!)).status).toBe(200);
    const { clientSecret } = await f.oauth.clients.rotateSecret(f.conf.id);
    expect((await revokeNothing(f, f.conf.id, f.conf.secret!)).status).toBe(401);
    expect((await revokeNothing(f, f.conf.id, clientSecret)).status).toBe(200);
  });

  it('a redirect URI taken away is refused at /authorize at once', async () => {
    const { f } = await fixture();
    const query = `response_type=code&client_id=${f.other.id}&redirect_uri=${encodeURIComponent(f.other.redirectUri)}&scope=read&state=s`;
    expect((await request(f.app).get(`/oauth/authorize?${query}`).set('Cookie', 'user=alice')).status).toBe(200);
    await f.clients.update(f.other.id, { redirectUris: ['https://other.example/elsewhere'] });
    // A change written to the store directly is not announced: the cached record stays until its TTL...
    expect((await request(f.app).get(`/oauth/authorize?${query}`).set('Cookie', 'user=alice')).status).toBe(200);
    // ...while the same change through the provider's services (an edit, then the admin's approval) evicts it.
    await f.oauth.clients.update(f.other.id, { redirectUris: ['https://other.example/elsewhere'] });
    await f.oauth.clients.approveChange(f.other.id);
    expect((await request(f.app).get(`/oauth/authorize?${query}`).set('Cookie', 'user=alice')).status).toBe(400);
  });

  it('a record older than ttlSeconds is read again', async () => {
    const { f, clients } = await fixture({ ttlSeconds: 30 });
    await revokeNothing(f, f.conf.id, f.conf.secret!);
    const before = clients.reads;
    clock.advance(29);
    await revokeNothing(f, f.conf.id, f.conf.secret!);
    expect(clients.reads - before).toBe(0);
    clock.advance(2);
    await revokeNothing(f, f.conf.id, f.conf.secret!);
    expect(clients.reads - before).toBe(1);
  });

  it('keeps at most maxEntries records, dropping the least recently used', async () => {
    const { f, clients } = await fixture({ maxEntries: 2 });
    await revokeNothing(f, f.conf.id, f.conf.secret!);
    await revokeNothing(f, f.other.id, f.other.secret!);
    await revokeNothing(f, f.conf.id, f.conf.secret!); // conf is now the most recent
    const pub = await f.oauth.clients.get(f.pub.id); // a third record pushes out `other`
    expect(pub).not.toBeNull();
    const before = clients.reads;
    await revokeNothing(f, f.conf.id, f.conf.secret!);
    expect(clients.reads - before).toBe(0);
    await revokeNothing(f, f.other.id, f.other.secret!);
    expect(clients.reads - before).toBe(1);
  });

  it('while the channel is down the cache is emptied and bypassed, and fills again once it is back', async () => {
    const { f, clients, channel } = await fixture();
    await revokeNothing(f, f.conf.id, f.conf.secret!);
    channel.drop();
    const before = clients.reads;
    await revokeNothing(f, f.conf.id, f.conf.secret!);
    await revokeNothing(f, f.conf.id, f.conf.secret!);
    expect(clients.reads - before).toBe(2);
    channel.ready = true;
    await revokeNothing(f, f.conf.id, f.conf.secret!);
    await revokeNothing(f, f.conf.id, f.conf.secret!);
    expect(clients.reads - before).toBe(3);
  });

  it('a failed publish does not fail the change, and this instance still evicts', async () => {
    const failures: unknown[] = [];
    const clients = memoryClientStore();
    const channel = localChannel();
    const f = await createFixture({ tokenCache: { revocations: channel }, logger: { error: (_m, d) => failures.push(d) } }, { clients });
    await revokeNothing(f, f.conf.id, f.conf.secret!);
    channel.failPublish = true;
    await f.oauth.clients.suspend(f.conf.id);
    expect(failures).toHaveLength(1);
    expect((await clients.get(f.conf.id))!.status).toBe('suspended');
    expect((await revokeNothing(f, f.conf.id, f.conf.secret!)).status).toBe(401);
  });

  it('`clientCache: false` turns it off even with a channel; asking for it without a channel is a configuration error', async () => {
    const clients = counting(memoryClientStore());
    const f = await createFixture({ tokenCache: { revocations: localChannel() }, clientCache: false }, { clients });
    const before = clients.reads;
    await revokeNothing(f, f.conf.id, f.conf.secret!);
    await revokeNothing(f, f.conf.id, f.conf.secret!);
    expect(clients.reads - before).toBe(2);
    await expect(createFixture({ clientCache: { ttlSeconds: 10 } })).rejects.toThrow(ConfigurationError);
    await expect(createFixture({ clientCache: { ttlSeconds: 0 }, tokenCache: { revocations: localChannel() } })).rejects.toThrow(ConfigurationError);
  });
});

describe('ClientCache', () => {
  const record = (id: string) => ({
    id, name: 'App', description: '', ownerId: 'dev', redirectUris: ['https://app.example/cb'], scopes: ['read'], isPublic: false,
    secretHash: 'h', status: 'approved', createdAt: new Date(0), updatedAt: new Date(0),
  }) as unknown as Awaited<ReturnType<ClientStore['get']>> & object;

  it('does not keep a record read while an eviction of it arrived (the read may predate the change)', async () => {
    const channel = localChannel();
    const cache = new ClientCache(channel);
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    let reads = 0;
    const store: ClientStore = {
      get: async (id) => { reads += 1; await gate; return record(id); },
      create: async () => undefined, update: async () => null, list: async () => [],
    };
    const cached = cache.wrap(store, () => undefined);
    const pending = cached.get('c1');
    await channel.publish({ type: 'client', clientId: 'c1' });
    release();
    await pending;
    expect(cache.size).toBe(0);
    await cached.get('c1');
    await cached.get('c1');
    expect(reads).toBe(2);
  });

  it('hands out copies: a caller changing one does not change the cache', async () => {
    const cache = new ClientCache(localChannel());
    const cached = cache.wrap({
      get: async (id) => record(id), create: async () => undefined, update: async () => null, list: async () => [],
    }, () => undefined);
    const first = (await cached.get('c1'))!;
    first.redirectUris.push('https://evil.example/cb');
    first.status = 'suspended';
    const second = (await cached.get('c1'))!;
    expect(second.redirectUris).toEqual(['https://app.example/cb']);
    expect(second.status).toBe('approved');
  });

  it('ignores token and grant revocations', async () => {
    const channel = localChannel();
    const cache = new ClientCache(channel);
    const cached = cache.wrap({
      get: async (id) => record(id), create: async () => undefined, update: async () => null, list: async () => [],
    }, () => undefined);
    await cached.get('c1');
    await channel.publish({ type: 'grant', grantId: 'g'.repeat(22) });
    expect(cache.size).toBe(1);
  });
});

describeIf(has.redis)('client cache on two instances sharing one Redis', () => {
  const prefix = `${uniquePrefix('ccache')}:`;
  const connections = redisConnections(prefix);
  const connect = () => connections.connect();
  let a: Fixture;
  let b: Fixture;
  let channelB: RevocationChannel;
  let shared: ClientStore & { reads: number };

  beforeAll(async () => {
    // One client database (the memory store stands in for it) and one Redis, two provider instances.
    shared = counting(memoryClientStore());
    const redis = connect();
    const channelA = redisRevocationChannel(redis, connect(), { channel: `${prefix}changes` });
    channelB = redisRevocationChannel(redis, connect(), { channel: `${prefix}changes` });
    await Promise.all([whenReady(channelA), whenReady(channelB)]);
    a = await createFixture({ tokenCache: { revocations: channelA } }, { clients: shared, tokens: redisTokenStore(redis, { prefix }) });
    b = await createFixture({ tokenCache: { revocations: channelB } }, { clients: shared, tokens: redisTokenStore(redis, { prefix }) });
  });

  afterAll(() => connections.close());

  it('a client suspended on A is refused on B as soon as the change is heard (B had it cached)', async () => {
    const view = await a.oauth.clients.request({ name: 'Doomed', redirectUris: ['https://doomed.example/cb'], ownerId: 'dev', scopes: ['read'] });
    const { clientSecret } = await a.oauth.clients.approve(view.id);
    expect((await revokeNothing(b, view.id, clientSecret!)).status).toBe(200);
    const before = shared.reads;
    expect((await revokeNothing(b, view.id, clientSecret!)).status).toBe(200);
    expect(shared.reads - before).toBe(0); // served from B's cache

    const arrived = heard(channelB, (e) => e.type === 'client' && e.clientId === view.id);
    await a.oauth.clients.suspend(view.id);
    await arrived;
    const refused = await revokeNothing(b, view.id, clientSecret!);
    expect(refused.status).toBe(401);
    expect(refused.body.error).toBe('invalid_client');
  });

  it('a secret rotated on A stops working on B, and the new one works there', async () => {
    const view = await a.oauth.clients.request({ name: 'Rotated', redirectUris: ['https://rotated.example/cb'], ownerId: 'dev', scopes: ['read'] });
    const { clientSecret: old } = await a.oauth.clients.approve(view.id);
    expect((await revokeNothing(b, view.id, old!)).status).toBe(200);
    const arrived = heard(channelB, (e) => e.type === 'client' && e.clientId === view.id);
    const { clientSecret } = await a.oauth.clients.rotateSecret(view.id);
    await arrived;
    expect((await revokeNothing(b, view.id, old!)).status).toBe(401);
    expect((await revokeNothing(b, view.id, clientSecret)).status).toBe(200);
  });

  it('client ids of any shape travel the Redis channel', async () => {
    const id = 'client with spaces/ünïcode%20';
    const arrived = heard(channelB, (e) => e.type === 'client' && e.clientId === id);
    await channelB.publish({ type: 'client', clientId: id });
    expect(await arrived).toEqual({ type: 'client', clientId: id });
  });
});
