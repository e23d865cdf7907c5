/**
 * One scenario's server: `node --import tsx bench/servers.ts <scenario>`, started by run.mjs.
 * It listens on 127.0.0.1 (random port) and speaks over the IPC channel:
 *   → { type: 'ready', port }             once listening
 *   ← { type: 'load', n }                 "describe the requests for the next phase" (n: pool size)
 *   → { type: 'load', load }              method, path, headers and a body, a pool of bodies or of requests
 *   ← { type: 'cpu-start' }               start of a measured window (→ { type: 'cpu-start' } once noted)
 *   ← { type: 'cpu-stop' }                its end: → { type: 'cpu', cpu: { user, system } }, µs this process used in it
 *   ← { type: 'stop' }                    clean up (keys, tables) and exit (writes --cpu-prof)
 */
import { createHash, generateKeyPairSync } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import http from 'node:http';
import express from 'express';
import OAuth2Server from '@node-oauth/oauth2-server';
import ExpressOAuthServer from '@node-oauth/express-oauth-server';
import { memoryClientStore, memoryTokenStore } from '../adapters/memory';
import { knexClientStore } from '../adapters/knex';
import { recommendedRedisOptions, redisRevocationChannel, redisTokenStore } from '../adapters/redis';
import Redis from 'ioredis';
import {
  cleanup, dpopClient, ISSUER, mintCode, mintTokens, onStop, pool, postgres, provider, redis, registerClient, REDIS_PREFIX, REDIS_URL,
} from './fixtures';

export interface Load {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** One body per request; the runner never reuses one. */
  bodies?: string[];
  /** One set of extra headers (and body, if any) per request, e.g. a single-use DPoP proof; never reused either. */
  requests?: Array<{ headers: Record<string, string>; body?: string }>;
}

interface Server {
  handler: http.RequestListener;
  load(n: number): Promise<Load>;
}

const FORM = 'application/x-www-form-urlencoded';
const sha256 = (value: string) => createHash('sha256').update(value).digest('base64url');
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
const fixed = (load: Load) => async () => load;

/** The record the hand-written floor and the express-oauth-server model keep under the token's hash. */
const TOKEN_RECORD = JSON.stringify({ userId: 'user1', clientId: 'client1', scopes: ['read'], expiresAt: Date.now() + 24 * 3600_000 });
const PLAIN_TOKEN = 'bench-token-0123456789abcdefghijklmnopqrstuvwxyz';

async function ourRequireScope(store: 'memory' | 'redis', redisOptions: object = recommendedRedisOptions, cache = false, dpop = false): Promise<Server> {
  const redisClient = store === 'redis' ? await redis(redisOptions) : null;
  const tokens = redisClient ? redisTokenStore(redisClient, { prefix: REDIS_PREFIX }) : memoryTokenStore();
  // As a multi-instance site would set it up: revocations over Redis pub/sub, default size and TTL.
  const tokenCache = cache && redisClient
    ? { revocations: redisRevocationChannel(redisClient, subscriber(redisOptions), { channel: `${REDIS_PREFIX}revocations` }) }
    : undefined;
  const oauth = provider(memoryClientStore(), tokens, { ...(tokenCache ? { tokenCache } : {}), ...(dpop ? { dpop: {} } : {}) });
  const client = await registerClient(oauth);
  const key = dpop ? await dpopClient() : null;
  const { access } = await mintTokens(tokens, client.id, 0, false, key?.jkt);
  const app = express();
  app.get('/api/read', oauth.requireScope('read'), (_req, res) => { res.json({ ok: true }); });
  if (!key) return { handler: app, load: fixed({ method: 'GET', path: '/api/read', headers: bearer(access) }) };
  // A bound token: `Authorization: DPoP <token>` and a fresh proof of the key (with ath) per request.
  return {
    handler: app,
    async load(n) {
      const requests = Array.from({ length: n }, () => ({ headers: { dpop: key.proof('GET', `${ISSUER}/api/read`, access) } }));
      return { method: 'GET', path: '/api/read', headers: { authorization: `DPoP ${access}` }, requests };
    },
  };
}

/** A connection for pub/sub only (fixtures' redis() would scan with it at stop, which a subscriber cannot). */
function subscriber(options: object): Redis {
  const client = new Redis(REDIS_URL, options);
  client.on('error', (err) => console.error('[bench] redis subscriber:', err.message));
  onStop(async () => client.disconnect());
  return client;
}

/** Our provider on Redis tokens + PostgreSQL clients, mounted as a site would. */
async function ourEndpoints(dpop = false) {
  const { knex, tablePrefix } = await postgres();
  const tokens = redisTokenStore(await redis(recommendedRedisOptions), { prefix: REDIS_PREFIX });
  const oauth = provider(knexClientStore(knex, { tablePrefix }), tokens, dpop ? { dpop: {} } : {});
  const client = await registerClient(oauth);
  const app = express();
  app.use('/oauth', oauth.router);
  const post = (path: string) => ({ method: 'POST' as const, path, headers: { authorization: client.basic, 'content-type': FORM } });
  return { app, tokens, client, post };
}

const SERVERS: Record<string, () => Promise<Server>> = {
  async bare() {
    const app = express();
    app.get('/', (_req, res) => { res.json({ ok: true }); });
    return { handler: app, load: fixed({ method: 'GET', path: '/', headers: {} }) };
  },

  async 'redis-get'() {
    const client = await redis();
    await client.set(`${REDIS_PREFIX}fixed`, TOKEN_RECORD);
    const app = express();
    app.get('/', async (_req, res) => { res.json({ ok: true, found: (await client.get(`${REDIS_PREFIX}fixed`)) !== null }); });
    return { handler: app, load: fixed({ method: 'GET', path: '/', headers: {} }) };
  },

  /** The floor for requireScope: what it must do at least, written by hand. */
  async 'hand-written'() {
    const client = await redis();
    await client.set(`${REDIS_PREFIX}${sha256(PLAIN_TOKEN)}`, TOKEN_RECORD);
    const app = express();
    app.get('/api/read', async (req, res) => {
      const token = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
      const value = token ? await client.get(`${REDIS_PREFIX}${sha256(token)}`) : null;
      const record = value ? (JSON.parse(value) as { scopes: string[]; expiresAt: number }) : null;
      if (!record || record.expiresAt <= Date.now()) { res.status(401).json({ error: 'invalid_token' }); return; }
      if (!record.scopes.includes('read')) { res.status(403).json({ error: 'insufficient_scope' }); return; }
      res.json({ ok: true });
    });
    return { handler: app, load: fixed({ method: 'GET', path: '/api/read', headers: bearer(PLAIN_TOKEN) }) };
  },

  /** A model as its README suggests, reading the same record (keyed by the token's SHA-256) from Redis. */
  async 'eos-authenticate'() {
    const client = await redis();
    await client.set(`${REDIS_PREFIX}${sha256(PLAIN_TOKEN)}`, TOKEN_RECORD);
    const oauth = new ExpressOAuthServer({
      model: {
        async getAccessToken(accessToken: string) {
          const value = await client.get(`${REDIS_PREFIX}${sha256(accessToken)}`);
          if (!value) return null;
          const record = JSON.parse(value) as { userId: string; clientId: string; scopes: string[]; expiresAt: number };
          return { accessToken, accessTokenExpiresAt: new Date(record.expiresAt), scope: record.scopes, client: { id: record.clientId }, user: { id: record.userId } };
        },
        async verifyScope(token: { scope: string[] }, scope: string[]) { return scope.every((s) => token.scope.includes(s)); },
      },
    } as never);
    const app = express();
    app.get('/api/read', oauth.authenticate({ scope: ['read'] }) as express.RequestHandler, (_req, res) => { res.json({ ok: true }); });
    return { handler: app, load: fixed({ method: 'GET', path: '/api/read', headers: bearer(PLAIN_TOKEN) }) };
  },

  /** The library's token() with nothing of ours around it: client_credentials, a Map for tokens. */
  async 'oauth2-server-token'() {
    const saved = new Map<string, unknown>();
    const CLIENT = { id: 'client1', grants: ['client_credentials'] };
    const server = new OAuth2Server({
      model: {
        async getClient(id: string, secret: string) { return id === 'client1' && secret === 'secret1' ? CLIENT : null; },
        async getUserFromClient() { return { id: 'service' }; },
        async validateScope(_user: unknown, _client: unknown, scope?: string[]) { return scope?.every((s) => s === 'read' || s === 'write') ? scope : false; },
        async saveToken(token: Record<string, unknown>, client: unknown, user: unknown) {
          saved.set(token.accessToken as string, token);
          return { ...token, client, user };
        },
      },
    } as never);
    const app = express();
    app.post('/token', express.urlencoded({ extended: false }), async (req, res) => {
      const response = new OAuth2Server.Response(res);
      try {
        await server.token(new OAuth2Server.Request(req), response);
      } catch { /* the error is in response */ }
      res.set(response.headers).status(response.status ?? 500).json(response.body);
    });
    return {
      handler: app,
      load: fixed({ method: 'POST', path: '/token', headers: { authorization: basic('client1', 'secret1'), 'content-type': FORM }, body: 'grant_type=client_credentials&scope=read' }),
    };
  },

  async 'oidc-token'() {
    const { app } = await oidc();
    return {
      handler: app,
      load: fixed({ method: 'POST', path: '/token', headers: { authorization: basic('client1', 'secret1'), 'content-type': FORM }, body: 'grant_type=client_credentials&scope=read' }),
    };
  },

  async 'oidc-introspect'() {
    const { app, issue } = await oidc();
    const token = await issue();
    return {
      handler: app,
      load: fixed({ method: 'POST', path: '/token/introspection', headers: { authorization: basic('client1', 'secret1'), 'content-type': FORM }, body: `token=${token}` }),
    };
  },

  'scope-memory': () => ourRequireScope('memory'),
  /** Diagnostic: scope-redis on a default ioredis client (no commandTimeout timer per command). */
  'scope-redis-default-client': () => ourRequireScope('redis', {}),
  'scope-redis': () => ourRequireScope('redis'),
  'scope-redis-cache': () => ourRequireScope('redis', recommendedRedisOptions, true),
  'scope-redis-dpop': () => ourRequireScope('redis', recommendedRedisOptions, false, true),

  /** Refresh tokens rotate: each request spends one minted just before the phase. */
  async 'token-refresh'() {
    const { app, tokens, client, post } = await ourEndpoints();
    return {
      handler: app,
      async load(n) {
        const minted = await pool(n, (i) => mintTokens(tokens, client.id, i, true));
        return { ...post('/oauth/token'), bodies: minted.map(({ refresh }) => `grant_type=refresh_token&refresh_token=${refresh}`) };
      },
    };
  },

  /** Diagnostic: the same refresh on memory stores, i.e. without the PostgreSQL and Redis round trips. */
  async 'token-refresh-memory'() {
    const tokens = memoryTokenStore();
    const oauth = provider(memoryClientStore(), tokens);
    const client = await registerClient(oauth);
    const app = express();
    app.use('/oauth', oauth.router);
    return {
      handler: app,
      async load(n) {
        const minted = await pool(n, (i) => mintTokens(tokens, client.id, i, true));
        return {
          method: 'POST', path: '/oauth/token', headers: { authorization: client.basic, 'content-type': FORM },
          bodies: minted.map(({ refresh }) => `grant_type=refresh_token&refresh_token=${refresh}`),
        };
      },
    };
  },

  async 'token-code'() {
    const { app, tokens, client, post } = await ourEndpoints();
    return {
      handler: app,
      async load(n) {
        const codes = await pool(n, (i) => mintCode(tokens, client.id, i));
        return { ...post('/oauth/token'), bodies: codes.map((code) => `grant_type=authorization_code&code=${code}`) };
      },
    };
  },

  /** token-code with a DPoP proof (ES256, fresh jti) per request: the tokens come back bound (token_type DPoP). */
  async 'token-code-dpop'() {
    const { app, tokens, client, post } = await ourEndpoints(true);
    const key = await dpopClient();
    return {
      handler: app,
      async load(n) {
        const codes = await pool(n, (i) => mintCode(tokens, client.id, i));
        // Signed after the codes are saved, so the oldest proof is as young as it can be when the phase starts.
        const requests = codes.map((code) => ({ headers: { dpop: key.proof('POST', `${ISSUER}/oauth/token`) }, body: `grant_type=authorization_code&code=${code}` }));
        return { ...post('/oauth/token'), requests };
      },
    };
  },

  async introspect() {
    const { app, tokens, client, post } = await ourEndpoints();
    const { access } = await mintTokens(tokens, client.id, 0);
    return { handler: app, load: fixed({ ...post('/oauth/introspect'), body: `token=${access}` }) };
  },
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

/** oidc-provider 9, configured minimally and quietly: own signing key, a Map adapter, no interactions. */
async function oidc() {
  // Its one start-up warning is that it supports Node 22+ only (this machine has Node 20); noted in RESULTS.md.
  const warn = console.warn;
  console.warn = (...args: unknown[]) => { if (!String(args[0]).includes('Unsupported runtime')) warn(...args); };
  const { default: Provider } = await import('oidc-provider');
  console.warn = warn;
  const jwk = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const provider = new Provider('http://127.0.0.1', {
    adapter: MapAdapter,
    clients: [{ client_id: 'client1', client_secret: 'secret1', grant_types: ['client_credentials'], response_types: [], redirect_uris: [], scope: 'read write' }],
    scopes: ['read', 'write'],
    jwks: { keys: [{ ...jwk, use: 'sig', alg: 'RS256' }] },
    cookies: { keys: ['bench-cookie-key'] },
    features: { clientCredentials: { enabled: true }, introspection: { enabled: true }, devInteractions: { enabled: false } },
  } as never);
  const app = express();
  app.use(provider.callback());
  const issue = async (): Promise<string> => {
    const client = await provider.Client.find('client1');
    return new provider.ClientCredentials({ client, scope: 'read' }).save();
  };
  return { app, issue };
}

async function main(): Promise<void> {
  const name = process.argv[2] ?? '';
  const build = SERVERS[name];
  if (!build || !process.send) throw new Error(`usage (from run.mjs): servers.ts <${Object.keys(SERVERS).join('|')}>`);
  const server = await build();
  const httpServer = http.createServer(server.handler);
  httpServer.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  let cpuStart: NodeJS.CpuUsage | null = null;
  process.on('message', async (message: { type: string; n?: number }) => {
    if (message.type === 'load') {
      process.send!({ type: 'load', load: await server.load(message.n ?? 0) });
    } else if (message.type === 'cpu-start') {
      // The pool just made (codes, signed proofs, their IPC copy) is garbage now: collected here, not inside the window.
      (globalThis as { gc?: () => void }).gc?.();
      cpuStart = process.cpuUsage();
      process.send!({ type: 'cpu-start' });
    } else if (message.type === 'cpu-stop') {
      process.send!({ type: 'cpu', cpu: process.cpuUsage(cpuStart ?? undefined) });
    } else if (message.type === 'stop') {
      httpServer.closeAllConnections();
      httpServer.close();
      await cleanup();
      process.exit(0);
    }
  });
  process.send({ type: 'ready', port: (httpServer.address() as AddressInfo).port });
}

main().catch(async (err) => {
  console.error(`[bench] ${process.argv[2]}:`, err);
  await cleanup();
  process.exit(1);
});
