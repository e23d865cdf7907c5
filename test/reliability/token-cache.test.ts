import express from 'express';
import request from 'supertest';
import { memoryClientStore, memoryTokenStore } from '../../adapters/memory';
import { redisRevocationChannel, redisTokenStore } from '../../adapters/redis';
import { createOAuthProvider, type OAuthProvider, type OAuthProviderOptions } from '../../src';
import { mintGrantSecret, randomId } from '../../src/crypto';
import type { ClientStore } from '../../src/storage/client-store';
import type { AccessTokenRecord } from '../../src/storage/records';
import type { TokenStore } from '../../src/storage/token-store';
import { AccessTokenCache } from '../../src/token-cache';
import type { RevocationChannel } from '../../src/storage';
import { heard, whenReady } from '../support/channel-waits';
import { describeIf, has, uniquePrefix } from '../support/services';
import { redisConnections } from '../support/redis-connections';

/**
 * The optional token cache (`tokenCache`): requireScope trusts a verified token for a few seconds
 * without a store read, and revocations published on a channel evict it on every instance at once.
 */

const HOUR = 3600_000;

/** The store with a count of getAccessToken calls, to tell a cache hit from a store read. */
function counting(tokens: TokenStore): TokenStore & { reads: number } {
  const counted = Object.create(tokens) as TokenStore & { reads: number };
  counted.reads = 0;
  counted.getAccessToken = (grantId, hash) => {
    counted.reads += 1;
    return tokens.getAccessToken(grantId, hash);
  };
  return counted;
}

interface Instance {
  app: express.Express;
  oauth: OAuthProvider;
  tokens: TokenStore & { reads: number };
}

function instance(clients: ClientStore, tokens: TokenStore, extra: Partial<OAuthProviderOptions> = {}): Instance {
  const store = counting(tokens);
  const oauth = createOAuthProvider({
    issuer: 'https://forum.example',
    scopes: { read: 'Read posts', write: 'Post as you' },
    store: { clients, tokens: store },
    currentUser: () => null,
    loginUrl: (returnTo) => `/login?next=${encodeURIComponent(returnTo)}`,
    rateLimit: false,
    ...extra,
  });
  const app = express();
  app.use('/oauth', oauth.router);
  app.get('/api/read', oauth.requireScope('read'), (req, res) => { res.json({ ok: true, oauth: req.oauth }); });
  return { app, oauth, tokens: store };
}

const callApi = (app: express.Express, token: string) => request(app).get('/api/read').set('Authorization', `Bearer ${token}`);

/** A grant of `clientId` with one access token saved straight into the store; returns the plain token. */
async function mint(tokens: TokenStore, clientId: string, grantId = randomId(), expiresIn = HOUR): Promise<{ token: string; grantId: string; hash: string }> {
  const now = Date.now();
  const { value, hash } = mintGrantSecret(grantId);
  const saved = await tokens.saveTokens(
    { id: grantId, kind: 'authorization', userId: 'u1', clientId, scopes: ['read'], name: null, createdAt: new Date(now), expiresAt: new Date(now + 24 * HOUR), openid: null, resources: [] },
    { hash, grantId, clientId, userId: 'u1', scopes: ['read'], resources: [], expiresAt: new Date(now + expiresIn) },
    null,
  );
  expect(saved).toBe(true);
  return { token: value, grantId, hash };
}

describeIf(has.redis)('token cache on two instances sharing one Redis', () => {
  const prefix = `${uniquePrefix('tcache')}:`;
  const channelName = `${prefix}revocations`;
  const connections = redisConnections(prefix);
  const connect = () => connections.connect();
  let a: Instance;
  let b: Instance;
  let channelB: RevocationChannel;
  let clientId: string;
  let clientBasic: string;

  beforeAll(async () => {
    const clients = memoryClientStore();
    const redisA = connect();
    const redisB = connect();
    await Promise.all([redisA, redisB].map((c) => (c.status === 'ready' ? undefined : new Promise((r) => c.once('ready', r)))));
    const channelA = redisRevocationChannel(redisA, connect(), { channel: channelName });
    channelB = redisRevocationChannel(redisB, connect(), { channel: channelName });
    a = instance(clients, redisTokenStore(redisA, { prefix }), { tokenCache: { maxEntries: 100, ttlSeconds: 60, revocations: channelA } });
    b = instance(clients, redisTokenStore(redisB, { prefix }), { tokenCache: { maxEntries: 100, ttlSeconds: 60, revocations: channelB } });
    await Promise.all([whenReady(channelA), whenReady(channelB)]);
    const view = await a.oauth.clients.request({ name: 'App', redirectUris: ['https://app.example/cb'], ownerId: 'dev', scopes: ['read'] });
    const { clientSecret } = await a.oauth.clients.approve(view.id);
    clientId = view.id;
    clientBasic = `Basic ${Buffer.from(`${view.id}:${clientSecret}`).toString('base64')}`;
  });

  afterAll(() => connections.close());

  /** Uses the token on B twice: the first call reads the store, the second is served from B's cache. */
  async function cachedOnB(token: string): Promise<void> {
    const before = b.tokens.reads;
    expect((await callApi(b.app, token)).status).toBe(200);
    expect((await callApi(b.app, token)).status).toBe(200);
    expect(b.tokens.reads - before).toBe(1);
  }

  it('a token used on B (cached), revoked on A through the revoke endpoint, is refused on B once the event arrives', async () => {
    const { token, grantId, hash } = await mint(a.tokens, clientId);
    await cachedOnB(token);
    const arrived = heard(channelB, (e) => e.type === 'access' && e.hash === hash);
    const revoked = await request(a.app).post('/oauth/revoke').set('Authorization', clientBasic).type('form').send({ token });
    expect(revoked.status).toBe(200);
    expect(await arrived).toEqual({ type: 'access', grantId, hash });
    expect((await callApi(b.app, token)).status).toBe(401);
  });

  it('a grant revoked on A (grants service) evicts every cached token of the grant on B', async () => {
    const first = await mint(a.tokens, clientId);
    const second = await mint(a.tokens, clientId, first.grantId);
    const bystander = await mint(a.tokens, clientId);
    for (const t of [first, second, bystander]) await cachedOnB(t.token);
    const arrived = heard(channelB, (e) => e.type === 'grant' && e.grantId === first.grantId);
    expect(await a.oauth.grants.revoke(first.grantId)).toBe(true);
    await arrived;
    const reads = b.tokens.reads;
    expect((await callApi(b.app, first.token)).status).toBe(401);
    expect((await callApi(b.app, second.token)).status).toBe(401);
    expect((await callApi(b.app, bystander.token)).status).toBe(200);
    expect(b.tokens.reads - reads).toBe(2); // the two evicted tokens were looked up again; the bystander was not
  });

  it('a personal token revoked on A (tokens service) is refused on B', async () => {
    const personal = await a.oauth.tokens.issuePersonal('u2', { name: 'cli', scopes: ['read'] });
    await cachedOnB(personal.token);
    const arrived = heard(channelB, (e) => e.type === 'grant' && e.grantId === personal.id);
    expect(await a.oauth.tokens.revoke(personal.token)).toBe(true);
    await arrived;
    expect((await callApi(b.app, personal.token)).status).toBe(401);
  });

  it('suspending the client on A evicts its tokens on B', async () => {
    const view = await a.oauth.clients.request({ name: 'Doomed', redirectUris: ['https://doomed.example/cb'], ownerId: 'dev', scopes: ['read'] });
    await a.oauth.clients.approve(view.id);
    const { token, grantId } = await mint(a.tokens, view.id);
    await cachedOnB(token);
    const arrived = heard(channelB, (e) => e.type === 'grant' && e.grantId === grantId);
    await a.oauth.clients.suspend(view.id);
    await arrived;
    expect((await callApi(b.app, token)).status).toBe(401);
  });

  it('the instance that revokes evicts at once, before any message comes back', async () => {
    const { token, grantId, hash } = await mint(a.tokens, clientId);
    expect((await callApi(a.app, token)).status).toBe(200);
    expect(await a.tokens.revokeAccessToken(grantId, hash)).toBe(true); // the bare store: no event
    expect((await callApi(a.app, token)).status).toBe(200); // still cached: the store was bypassed
    expect(await a.oauth.tokens.revoke(token)).toBe(false); // the token is dead, so nothing to revoke ...
    const again = await mint(a.tokens, clientId);
    expect((await callApi(a.app, again.token)).status).toBe(200);
    expect(await a.oauth.tokens.revoke(again.token)).toBe(true);
    expect((await callApi(a.app, again.token)).status).toBe(401); // ... but a revocation through the provider evicts here at once
  });

  it('forgets everything when the subscriber drops, caches nothing until it has subscribed again', async () => {
    const name = uniquePrefix('sub');
    const sub = connections.connect({ connectionName: name });
    const pub = connect();
    const channel = redisRevocationChannel(pub, sub, { channel: channelName });
    const c = instance(memoryClientStore(), redisTokenStore(pub, { prefix }), { tokenCache: { revocations: channel } });
    await whenReady(channel);
    const { token } = await mint(c.tokens, clientId);
    await callApi(c.app, token);
    await callApi(c.app, token);
    expect(c.tokens.reads).toBe(1);
    // The server drops the subscriber's connection (as a Redis restart or a network cut would).
    const list = String(await pub.client('LIST'));
    const subscriberId = new RegExp(`^id=(\\d+) .*name=${name} `, 'm').exec(list)?.[1];
    expect(subscriberId).toBeDefined();
    const closed = new Promise((r) => sub.once('close', r));
    await pub.client('KILL', 'ID', subscriberId!);
    await closed;
    expect(channel.ready).toBe(false);
    await callApi(c.app, token); // the cache was emptied: a store read
    expect(c.tokens.reads).toBe(2);
    await whenReady(channel); // ioredis reconnects and the channel subscribes again
    await callApi(c.app, token);
    await callApi(c.app, token);
    expect(c.tokens.reads).toBe(3);
  });
});

describe('token cache without a channel (one process)', () => {
  afterEach(() => jest.restoreAllMocks());

  it('never serves a token past its own expiry, even when the cache TTL is longer', async () => {
    const tokens = memoryTokenStore();
    const one = instance(memoryClientStore(), tokens, { tokenCache: { ttlSeconds: 60 } });
    const { token } = await mint(tokens, randomId(), randomId(), 2000);
    expect((await callApi(one.app, token)).status).toBe(200);
    expect((await callApi(one.app, token)).status).toBe(200);
    expect(one.tokens.reads).toBe(1);
    const realNow = Date.now;
    jest.spyOn(Date, 'now').mockImplementation(() => realNow() + 3000);
    expect((await callApi(one.app, token)).status).toBe(401);
    expect(one.tokens.reads).toBe(2); // not served from the cache: asked the store, which says expired
  });

  it('trusts a token for at most ttlSeconds before asking the store again', async () => {
    const tokens = memoryTokenStore();
    const one = instance(memoryClientStore(), tokens, { tokenCache: { ttlSeconds: 5 } });
    const { token } = await mint(tokens, randomId());
    await callApi(one.app, token);
    const realNow = Date.now;
    jest.spyOn(Date, 'now').mockImplementation(() => realNow() + 4000);
    await callApi(one.app, token);
    expect(one.tokens.reads).toBe(1);
    jest.spyOn(Date, 'now').mockImplementation(() => realNow() + 6000);
    await callApi(one.app, token);
    expect(one.tokens.reads).toBe(2);
  });

  it('reads the store on every request when tokenCache is not set', async () => {
    const tokens = memoryTokenStore();
    const one = instance(memoryClientStore(), tokens);
    const { token } = await mint(tokens, randomId());
    for (let i = 0; i < 3; i += 1) expect((await callApi(one.app, token)).status).toBe(200);
    expect(one.tokens.reads).toBe(3);
  });

  it('hands each request its own scopes array', async () => {
    const tokens = memoryTokenStore();
    const one = instance(memoryClientStore(), tokens, { tokenCache: {} });
    one.app.get('/api/mutate', one.oauth.requireScope('read'), (req, res) => { req.oauth!.scopes.push('write'); res.json({}); });
    const { token } = await mint(tokens, randomId());
    await request(one.app).get('/api/mutate').set('Authorization', `Bearer ${token}`);
    const res = await callApi(one.app, token);
    expect(res.body.oauth.scopes).toEqual(['read']);
  });
});

describe('AccessTokenCache', () => {
  const record = (grantId = randomId(), expiresAt = Date.now() + HOUR): AccessTokenRecord => ({
    hash: mintGrantSecret(grantId).hash, grantId, clientId: 'c', userId: 'u', scopes: ['read'], resources: [], expiresAt: new Date(expiresAt),
  });

  it('holds at most maxEntries, dropping the least recently used', () => {
    const cache = new AccessTokenCache({ maxEntries: 3 });
    const now = Date.now();
    const [r1, r2, r3, r4] = [record(), record(), record(), record()];
    for (const r of [r1!, r2!, r3!]) cache.add(r, cache.epoch, now);
    expect(cache.get(r1!.grantId, r1!.hash, now)).toBe(r1); // r1 is now the most recent
    cache.add(r4!, cache.epoch, now);
    expect(cache.size).toBe(3);
    expect(cache.get(r2!.grantId, r2!.hash, now)).toBeUndefined();
    for (const r of [r1!, r3!, r4!]) expect(cache.get(r.grantId, r.hash, now)).toBe(r);
    for (let i = 0; i < 1000; i += 1) cache.add(record(), cache.epoch, now);
    expect(cache.size).toBe(3);
  });

  it('does not keep a record read before a revocation arrived (a read in flight)', () => {
    const cache = new AccessTokenCache();
    const r = record();
    const epoch = cache.epoch;
    cache.evictGrant(r.grantId); // arrives while the read is in flight
    cache.add(r, epoch, Date.now());
    expect(cache.get(r.grantId, r.hash, Date.now())).toBeUndefined();
  });

  it('evicts by token and by grant, and keeps its grant index tidy', () => {
    const cache = new AccessTokenCache();
    const now = Date.now();
    const grantId = randomId();
    const [r1, r2] = [record(grantId), record(grantId)];
    cache.add(r1!, cache.epoch, now);
    cache.add(r2!, cache.epoch, now);
    cache.evictToken(grantId, r1!.hash);
    expect(cache.get(grantId, r1!.hash, now)).toBeUndefined();
    expect(cache.get(grantId, r2!.hash, now)).toBe(r2);
    cache.evictGrant(grantId);
    expect(cache.get(grantId, r2!.hash, now)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('never keeps an entry past the token expiry (faked clock)', () => {
    const cache = new AccessTokenCache({ ttlSeconds: 60 });
    const now = Date.now();
    const r = record(randomId(), now + 1000);
    cache.add(r, cache.epoch, now);
    expect(cache.get(r.grantId, r.hash, now + 999)).toBe(r);
    expect(cache.get(r.grantId, r.hash, now + 1000)).toBeUndefined();
    expect(cache.size).toBe(0);
  });
});
