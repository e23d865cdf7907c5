import express from 'express';
import request from 'supertest';
import { memoryClientStore, memoryTokenStore } from '../../adapters/memory';
import { redisRevocationChannel, redisTokenStore } from '../../adapters/redis';
import { announceRevocations, createOAuthProvider, type OAuthProvider, type RevocationChannel, type RevocationEvent } from '../../src';
import { mintGrantSecret, randomId } from '../../src/crypto';
import type { ClientStore } from '../../src/storage/client-store';
import type { TokenStore } from '../../src/storage/token-store';
import { describeIf, has, uniquePrefix } from '../support/services';
import { redisConnections } from '../support/redis-connections';

/**
 * A revocation the site makes on the store itself (its own admin code, a CLI), not through
 * `oauth.grants` or `oauth.tokens`, reaches every instance's token cache too, when the store was
 * given the revocation channel.
 */

const HOUR = 3600_000;

function instance(clients: ClientStore, tokens: TokenStore, revocations: RevocationChannel): { app: express.Express; oauth: OAuthProvider } {
  const oauth = createOAuthProvider({
    issuer: 'https://forum.example',
    scopes: { read: 'Read posts' },
    store: { clients, tokens },
    currentUser: () => null,
    loginUrl: (returnTo) => `/login?next=${encodeURIComponent(returnTo)}`,
    rateLimit: false,
    tokenCache: { maxEntries: 100, ttlSeconds: 60, revocations },
  });
  const app = express();
  app.get('/api/read', oauth.requireScope('read'), (_req, res) => { res.json({ ok: true }); });
  return { app, oauth };
}

const callApi = (app: express.Express, token: string) => request(app).get('/api/read').set('Authorization', `Bearer ${token}`);

/** A grant with one access token, saved straight into the store; returns the plain token. */
async function mint(tokens: TokenStore): Promise<{ token: string; grantId: string; hash: string }> {
  const now = Date.now();
  const grantId = randomId();
  const { value, hash } = mintGrantSecret(grantId);
  expect(await tokens.saveTokens(
    { id: grantId, kind: 'authorization', userId: 'u1', clientId: 'c1', scopes: ['read'], name: null, createdAt: new Date(now), expiresAt: new Date(now + HOUR), openid: null, resources: [] },
    { hash, grantId, clientId: 'c1', userId: 'u1', scopes: ['read'], resources: [], expiresAt: new Date(now + HOUR) },
    null,
  )).toBe(true);
  return { token: value, grantId, hash };
}

/** The next event heard on `channel` that matches (the test fails on jest's timeout if none comes). */
function heard(channel: RevocationChannel, match: (event: RevocationEvent) => boolean): Promise<RevocationEvent> {
  return new Promise((resolve) => {
    const stop = channel.subscribe({
      event(event) {
        if (!match(event)) return;
        stop();
        resolve(event);
      },
      reset() { /* not this test's concern */ },
    });
  });
}

/** Waits (at most 5 s, in 20 ms steps) until the channel has subscribed, as token-cache.test.ts does. */
async function whenReady(channel: RevocationChannel): Promise<void> {
  for (let i = 0; i < 250 && !channel.ready; i += 1) await new Promise((r) => setTimeout(r, 20));
  expect(channel.ready).toBe(true);
}

describeIf(has.redis)('revocations made on the raw store reach every instance\'s token cache', () => {
  const prefix = `${uniquePrefix('rawrev')}:`;
  const channelName = `${prefix}revocations`;
  const connections = redisConnections(prefix);
  const connect = () => connections.connect();
  let a: ReturnType<typeof instance>;
  let b: ReturnType<typeof instance>;
  let channelB: RevocationChannel;
  /** What the site's admin code holds: its own store object, given the channel. */
  let adminStore: TokenStore;

  beforeAll(async () => {
    const clients = memoryClientStore();
    const channelA = redisRevocationChannel(connect(), connect(), { channel: channelName });
    channelB = redisRevocationChannel(connect(), connect(), { channel: channelName });
    a = instance(clients, redisTokenStore(connect(), { prefix, revocations: channelA }), channelA);
    b = instance(clients, redisTokenStore(connect(), { prefix, revocations: channelB }), channelB);
    const adminRedis = connect();
    adminStore = redisTokenStore(adminRedis, { prefix, revocations: redisRevocationChannel(adminRedis, connect(), { channel: channelName }) });
    await Promise.all([whenReady(channelA), whenReady(channelB)]);
  });

  afterAll(() => connections.close());

  it('evicts on B a cached token whose grant the admin code revoked on its own store', async () => {
    const { token, grantId } = await mint(adminStore);
    expect((await callApi(b.app, token)).status).toBe(200); // now cached on B for 60 s
    const arrived = heard(channelB, (e) => e.type === 'grant' && e.grantId === grantId);
    expect(await adminStore.revokeGrant(grantId)).toBe(true);
    await arrived;
    expect((await callApi(b.app, token)).status).toBe(401);
    expect((await callApi(a.app, token)).status).toBe(401);
  });

  it('evicts on B a cached token the admin code revoked alone', async () => {
    const { token, grantId, hash } = await mint(adminStore);
    expect((await callApi(b.app, token)).status).toBe(200);
    const arrived = heard(channelB, (e) => e.type === 'access' && e.hash === hash);
    expect(await adminStore.revokeAccessToken(grantId, hash)).toBe(true);
    await arrived;
    expect((await callApi(b.app, token)).status).toBe(401);
  });

  it('publishes a provider\'s own revocation once, not once from the provider and again from its store', async () => {
    const { token, grantId } = await mint(adminStore);
    expect((await callApi(b.app, token)).status).toBe(200);
    const events: RevocationEvent[] = [];
    const stop = channelB.subscribe({ event: (e) => { events.push(e); }, reset: () => undefined });
    const arrived = heard(channelB, (e) => e.type === 'grant' && e.grantId === grantId);
    // A marker published after the revocation: once it arrives, every copy of the revocation has too.
    const marker = heard(channelB, (e) => e.type === 'grant' && e.grantId === 'M'.repeat(22));
    expect(await a.oauth.grants.revoke(grantId)).toBe(true);
    await arrived;
    await adminStore.revokeGrant('M'.repeat(22));
    await marker;
    stop();
    expect(events.filter((e) => e.type === 'grant' && e.grantId === grantId)).toHaveLength(1);
    expect((await callApi(b.app, token)).status).toBe(401);
  });
});

it('announceRevocations publishes on a channel after the store has revoked, even when publishing fails', async () => {
  const published: RevocationEvent[] = [];
  let failing = false;
  const channel: RevocationChannel = {
    ready: true,
    async publish(event) {
      if (failing) throw new Error('down');
      published.push(event);
    },
    subscribe: () => () => undefined,
  };
  const store = announceRevocations(memoryTokenStore(), channel);
  const { grantId, hash } = await mint(store);
  expect(await store.revokeAccessToken(grantId, hash)).toBe(true);
  failing = true;
  expect(await store.revokeGrant(grantId)).toBe(true);
  expect(published).toEqual([{ type: 'access', grantId, hash }]);
  expect(await store.getGrant(grantId)).toBeNull();
});
