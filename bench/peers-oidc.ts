/**
 * oidc-provider 9 behind Express 5, the peer that implements the same grants as ours:
 *  - oidc-code / oidc-refresh: authorization-code exchange and refresh with rotation on Redis (the
 *    documentation's adapter layout, bench/oidc-redis-adapter.ts), codes and refresh tokens minted
 *    through its own models before each phase, PKCE off, no ID token (openid is never granted);
 *  - oidc-token / oidc-introspect: client_credentials and introspection, all in process memory.
 */
import { generateKeyPairSync } from 'node:crypto';
import express from 'express';
import { oidcRedisAdapter } from './oidc-redis-adapter';
import { pool, redis, REDIS_PREFIX } from './fixtures';
import { basic, fixed, FORM, TOKEN_FIELDS, type Server } from './load';

const API = 'https://api.example';
const REDIRECT_URI = 'https://client.example/cb';
const DAY = 24 * 3600;
const CLIENT = basic('client1', 'secret1');

/** The package ships no types (bench/types.d.ts): the bench only calls a few members. */
type Provider = any;

async function providerClass(): Promise<new (issuer: string, config: object) => Provider> {
  // Its one start-up warning is that it supports Node 22+ only (this machine has Node 20); noted in RESULTS.md.
  const warn = console.warn;
  console.warn = (...args: unknown[]) => { if (!String(args[0]).includes('Unsupported runtime')) warn(...args); };
  try {
    return (await import('oidc-provider')).default;
  } finally {
    console.warn = warn;
  }
}

const signingKeys = () => {
  const jwk = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  return { keys: [{ ...jwk, use: 'sig', alg: 'RS256' }] };
};

/** oidc-provider's storage interface on a Map (its own memory adapter is an LRU of 1000 that warns at start). */
class MapAdapter {
  static store = new Map<string, { payload: Record<string, unknown>; expiresAt: number }>();
  constructor(private readonly model: string) {}
  private key(id: string) { return `${this.model}:${id}`; }
  async upsert(id: string, payload: Record<string, unknown>, expiresIn: number) {
    MapAdapter.store.set(this.key(id), { payload, expiresAt: Date.now() + expiresIn * 1000 });
  }
  async find(id: string) {
    const entry = MapAdapter.store.get(this.key(id));
    return entry && entry.expiresAt > Date.now() ? entry.payload : undefined;
  }
  async consume(id: string) { const entry = MapAdapter.store.get(this.key(id)); if (entry) entry.payload.consumed = Math.floor(Date.now() / 1000); }
  async destroy(id: string) { MapAdapter.store.delete(this.key(id)); }
  async findByUid() { return undefined; }
  async findByUserCode() { return undefined; }
  async revokeByGrantId() { /* no grants in client_credentials */ }
}

/** client_credentials and introspection, configured minimally: own signing key, a Map adapter, no interactions. */
async function oidcInMemory() {
  const Provider = await providerClass();
  const provider = new Provider('http://127.0.0.1', {
    adapter: MapAdapter,
    clients: [{ client_id: 'client1', client_secret: 'secret1', grant_types: ['client_credentials'], response_types: [], redirect_uris: [], scope: 'read write' }],
    scopes: ['read', 'write'],
    jwks: signingKeys(),
    cookies: { keys: ['bench-cookie-key'] },
    features: { clientCredentials: { enabled: true }, introspection: { enabled: true }, devInteractions: { enabled: false } },
  });
  const app = express();
  app.use(provider.callback());
  const issue = async (): Promise<string> => {
    const client = await provider.Client.find('client1');
    return new provider.ClientCredentials({ client, scope: 'read' }).save();
  };
  return { app, issue };
}

/**
 * The two grants as ours does them: opaque tokens for an API resource (without a resource, v9
 * issues a userinfo-only token and drops read/write), a refresh token at every code exchange, the
 * refresh token rotated, lifetimes as ours (code 10 min, access 1 h, refresh and grant 30 days).
 */
async function oidcOnRedis() {
  const Provider = await providerClass();
  const client = await redis();
  const provider = new Provider('http://127.0.0.1', {
    adapter: oidcRedisAdapter(client, REDIS_PREFIX),
    clients: [{
      client_id: 'client1', client_secret: 'secret1', token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], redirect_uris: [REDIRECT_URI], scope: 'read write',
    }],
    scopes: ['read', 'write'],
    jwks: signingKeys(),
    cookies: { keys: ['bench-cookie-key'] },
    findAccount: async (_ctx: unknown, sub: string) => ({ accountId: sub, async claims() { return { sub }; } }),
    pkce: { required: () => false },
    rotateRefreshToken: true,
    issueRefreshToken: async () => true,
    ttl: { AuthorizationCode: 600, AccessToken: 3600, RefreshToken: 30 * DAY, Grant: 30 * DAY },
    features: {
      devInteractions: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: async () => API,
        useGrantedResource: async () => true,
        getResourceServerInfo: async () => ({ scope: 'read write', accessTokenFormat: 'opaque', accessTokenTTL: 3600 }),
      },
    },
  });
  const app = express();
  app.use(provider.callback());
  const registered = await provider.Client.find('client1');
  const user = (i: number) => `user${i % 1000}`;
  /** A grant as consent would have saved it: read on the API, nothing for openid. */
  const grantFor = async (accountId: string): Promise<string> => {
    const grant = new provider.Grant({ accountId, clientId: 'client1' });
    grant.addResourceScope(API, 'read');
    return grant.save();
  };
  const mintCode = async (i: number): Promise<string> => {
    const grantId = await grantFor(user(i));
    return new provider.AuthorizationCode({ accountId: user(i), client: registered, grantId, scope: 'read', resource: API, redirectUri: REDIRECT_URI }).save();
  };
  const mintRefresh = async (i: number): Promise<string> => {
    const grantId = await grantFor(user(i));
    return new provider.RefreshToken({ accountId: user(i), client: registered, grantId, scope: 'read', resource: API, gty: 'authorization_code', rotations: 0 }).save();
  };
  return { app, mintCode, mintRefresh };
}

const post = { method: 'POST' as const, path: '/token', headers: { authorization: CLIENT, 'content-type': FORM } };

export const OIDC_SERVERS: Record<string, () => Promise<Server>> = {
  async 'oidc-code'() {
    const { app, mintCode } = await oidcOnRedis();
    return {
      handler: app,
      expect: TOKEN_FIELDS,
      // No redirect_uri, as in our scenario: with one registered URI it is taken as given.
      async load(n) { return { ...post, bodies: (await pool(n, mintCode)).map((code) => `grant_type=authorization_code&code=${code}`) }; },
    };
  },

  async 'oidc-refresh'() {
    const { app, mintRefresh } = await oidcOnRedis();
    return {
      handler: app,
      expect: TOKEN_FIELDS,
      async load(n) { return { ...post, bodies: (await pool(n, mintRefresh)).map((token) => `grant_type=refresh_token&refresh_token=${token}`) }; },
    };
  },

  async 'oidc-token'() {
    const { app } = await oidcInMemory();
    return { handler: app, expect: ['access_token'], load: fixed({ ...post, body: 'grant_type=client_credentials&scope=read' }) };
  },

  async 'oidc-introspect'() {
    const { app, issue } = await oidcInMemory();
    const token = await issue();
    return { handler: app, expect: ['active'], load: fixed({ ...post, path: '/token/introspection', body: `token=${token}` }) };
  },
};
