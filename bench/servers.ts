/**
 * One scenario's server: `node bench/.build/bench/servers.js <scenario>` (compiled by run.mjs from bench/tsconfig.json), started by run.mjs.
 * It listens on 127.0.0.1 (random port) and speaks over the IPC channel:
 *   → { type: 'ready', port }             once listening
 *   ← { type: 'load', n }                 "describe the requests for the next phase" (n: pool size)
 *   → { type: 'load', load }              method, path, headers and a body, a pool of bodies or of requests
 *   ← { type: 'cpu-start', profile }      start of a window (→ { type: 'cpu-start' } once noted); profile: a measured one
 *   ← { type: 'cpu-stop' }                its end: → { type: 'cpu', cpu: { user, system }, counts }, µs this process
 *                                         used in it and its Redis commands, round trips and SQL queries (bench/counters.ts)
 *   ← { type: 'stop' }                    clean up (keys, tables) and exit
 * Before 'ready' it sends itself one request of the kind its load describes, and exits if that fails.
 * Peers live in bench/peers-*.ts; this file has the baselines and ours.
 */
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import http from 'node:http';
import express from 'express';
import ExpressOAuthServer from '@node-oauth/express-oauth-server';
import { memoryClientStore, memoryTokenStore } from '../adapters/memory';
import { knexClientStore } from '../adapters/knex';
import { recommendedRedisOptions, redisRevocationChannel, redisTokenStore } from '../adapters/redis';
import Redis from 'ioredis';
import {
  cleanup, dpopClient, ISSUER, mintCode, mintTokens, onStop, pool, postgres, provider, redis, registerClient, REDIS_PREFIX, REDIS_URL,
} from './fixtures';
import { bearer, fixed, FORM, selfCheck, TOKEN_FIELDS, type Server } from './load';
import type { RevocationChannel, TokenStore } from '../src/storage';
import { readCounts, resetCounts } from './counters';
import { windowProfiler } from './window-profiler';
import { OIDC_SERVERS } from './peers-oidc';
import { OAUTH2_SERVER_SERVERS } from './peers-oauth2-server';

const sha256 = (value: string) => createHash('sha256').update(value).digest('base64url');

/** The record the hand-written floor and the express-oauth-server model keep under the token's hash. */
const TOKEN_RECORD = JSON.stringify({ userId: 'user1', clientId: 'client1', scopes: ['read'], expiresAt: Date.now() + 24 * 3600_000 });
const PLAIN_TOKEN = 'bench-token-0123456789abcdefghijklmnopqrstuvwxyz';

async function ourRequireScope(store: 'memory' | 'redis', redisOptions: object = recommendedRedisOptions, cache = false, dpop = false): Promise<Server> {
  const redisClient = store === 'redis' ? await redis(redisOptions) : null;
  const tokens = redisClient ? redisTokenStore(redisClient, { prefix: REDIS_PREFIX }) : memoryTokenStore();
  // As a multi-instance site would set it up: revocations over Redis pub/sub, default size and TTL.
  const tokenCache = cache && redisClient ? { revocations: await revocationChannel(redisClient, redisOptions) } : undefined;
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

/**
 * A revocation channel as a multi-instance site sets it up: publishing on the store's client, a
 * connection of its own to subscribe (not counted, and not fixtures' redis(), which would scan with
 * it at stop). Returned once subscribed, since the caches it feeds are bypassed until then.
 */
async function revocationChannel(publisher: Redis, options: object = recommendedRedisOptions): Promise<RevocationChannel> {
  const subscriber = new Redis(REDIS_URL, options);
  subscriber.on('error', (err) => console.error('[bench] redis subscriber:', err.message));
  onStop(async () => subscriber.disconnect());
  const channel = redisRevocationChannel(publisher, subscriber, { channel: `${REDIS_PREFIX}revocations` });
  for (let waited = 0; !channel.ready; waited += 10) {
    if (waited > 5000) throw new Error('the revocation channel did not subscribe within 5 s');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return channel;
}

interface Setup {
  /** Where client records live: PostgreSQL (knexClientStore) or process memory. */
  clients: 'pg' | 'memory';
  /** Where codes and tokens live; Redis unless said. */
  tokens?: 'redis' | 'memory';
  /** A revocation channel (tokenCache.revocations, on the tokens' Redis), which also turns the client cache on. */
  channel: boolean;
  dpop?: boolean;
}

/** Our provider, mounted as a site would. */
async function ourEndpoints({ clients, tokens: tokensIn = 'redis', channel, dpop = false }: Setup) {
  const redisClient = tokensIn === 'redis' ? await redis(recommendedRedisOptions) : null;
  const tokens = redisClient ? redisTokenStore(redisClient, { prefix: REDIS_PREFIX }) : memoryTokenStore();
  const clientStore = clients === 'pg' ? await postgres().then(({ knex, tablePrefix }) => knexClientStore(knex, { tablePrefix })) : memoryClientStore();
  const tokenCache = channel && redisClient ? { revocations: await revocationChannel(redisClient) } : null;
  const oauth = provider(clientStore, tokens, { ...(tokenCache ? { tokenCache } : {}), ...(dpop ? { dpop: {} } : {}) });
  const client = await registerClient(oauth);
  const app = express();
  app.use('/oauth', oauth.router);
  const post = (path: string) => ({ method: 'POST' as const, path, headers: { authorization: client.basic, 'content-type': FORM } });
  return { app, tokens, client, post };
}

/** n token-request bodies, each spending a code or refresh token minted through the store just now. */
async function spendingBodies(tokens: TokenStore, clientId: string, grant: 'code' | 'refresh', n: number): Promise<string[]> {
  if (grant === 'code') return (await pool(n, (i) => mintCode(tokens, clientId, i))).map((code) => `grant_type=authorization_code&code=${code}`);
  return (await pool(n, (i) => mintTokens(tokens, clientId, i, true))).map(({ refresh }) => `grant_type=refresh_token&refresh_token=${refresh}`);
}

/** A code exchange or a rotating refresh per request, each spending a secret minted just before the phase. */
async function ourGrant(setup: Setup, grant: 'code' | 'refresh'): Promise<Server> {
  const { app, tokens, client, post } = await ourEndpoints(setup);
  return {
    handler: app,
    expect: TOKEN_FIELDS,
    async load(n) { return { ...post('/oauth/token'), bodies: await spendingBodies(tokens, client.id, grant, n) }; },
  };
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

  ...OIDC_SERVERS,
  ...OAUTH2_SERVER_SERVERS,

  'scope-memory': () => ourRequireScope('memory'),
  /** Diagnostic: scope-redis on a default ioredis client (no commandTimeout timer per command). */
  'scope-redis-default-client': () => ourRequireScope('redis', {}),
  'scope-redis': () => ourRequireScope('redis'),
  'scope-redis-cache': () => ourRequireScope('redis', recommendedRedisOptions, true),
  'scope-redis-dpop': () => ourRequireScope('redis', recommendedRedisOptions, false, true),

  // As a multi-instance site runs: PostgreSQL clients read through the client cache the channel turns on.
  'token-refresh': () => ourGrant({ clients: 'pg', channel: true }, 'refresh'),
  'token-code': () => ourGrant({ clients: 'pg', channel: true }, 'code'),
  'token-refresh-memclients': () => ourGrant({ clients: 'memory', channel: false }, 'refresh'),
  'token-code-memclients': () => ourGrant({ clients: 'memory', channel: false }, 'code'),
  /** Diagnostic: no channel, so no client cache, and the client is read from PostgreSQL on every request. */
  'token-code-nochannel': () => ourGrant({ clients: 'pg', channel: false }, 'code'),
  /** The same refresh on memory stores, i.e. without the PostgreSQL and Redis round trips. */
  'token-refresh-memory': () => ourGrant({ clients: 'memory', tokens: 'memory', channel: false }, 'refresh'),

  /** token-code with a DPoP proof (ES256, fresh jti) per request: the tokens come back bound (token_type DPoP). */
  async 'token-code-dpop'() {
    const { app, tokens, client, post } = await ourEndpoints({ clients: 'pg', channel: true, dpop: true });
    const key = await dpopClient();
    return {
      handler: app,
      expect: TOKEN_FIELDS,
      async load(n) {
        const bodies = await spendingBodies(tokens, client.id, 'code', n);
        // Signed after the codes are saved, so the oldest proof is as young as it can be when the phase starts.
        const requests = bodies.map((body) => ({ headers: { dpop: key.proof('POST', `${ISSUER}/oauth/token`) }, body }));
        return { ...post('/oauth/token'), requests };
      },
    };
  },

  async introspect() {
    const { app, tokens, client, post } = await ourEndpoints({ clients: 'pg', channel: false });
    const { access } = await mintTokens(tokens, client.id, 0);
    return { handler: app, load: fixed({ ...post('/oauth/introspect'), body: `token=${access}` }) };
  },
};

async function main(): Promise<void> {
  const name = process.argv[2] ?? '';
  const build = SERVERS[name];
  if (!build || !process.send) throw new Error(`usage (from run.mjs): servers.ts <${Object.keys(SERVERS).join('|')}>`);
  const server = await build();
  const httpServer = http.createServer(server.handler);
  httpServer.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const port = (httpServer.address() as AddressInfo).port;
  await selfCheck(name, server, port);
  const profiler = windowProfiler();
  let cpuStart: NodeJS.CpuUsage | null = null;
  process.on('message', async (message: { type: string; n?: number; profile?: boolean }) => {
    if (message.type === 'load') {
      process.send!({ type: 'load', load: await server.load(message.n ?? 0) });
    } else if (message.type === 'cpu-start') {
      // The pool just made (codes, signed proofs, their IPC copy) is garbage now: collected here, not inside the window.
      (globalThis as { gc?: () => void }).gc?.();
      if (message.profile) await profiler?.start();
      resetCounts();
      cpuStart = process.cpuUsage();
      process.send!({ type: 'cpu-start' });
    } else if (message.type === 'cpu-stop') {
      const cpu = process.cpuUsage(cpuStart ?? undefined);
      const counts = readCounts();
      await profiler?.stop();
      process.send!({ type: 'cpu', cpu, counts });
    } else if (message.type === 'stop') {
      httpServer.closeAllConnections();
      httpServer.close();
      await cleanup();
      process.exit(0);
    }
  });
  process.send({ type: 'ready', port });
}

main().catch(async (err) => {
  console.error(`[bench] ${process.argv[2]}:`, err);
  await cleanup();
  process.exit(1);
});
