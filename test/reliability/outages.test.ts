import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import Redis from 'ioredis';
import knexFactory, { type Knex } from 'knex';
import request from 'supertest';
import { parseGrantSecret } from '../../src/crypto';
import { knexClientStore, migrate } from '../../adapters/knex';
import { memoryTokenStore } from '../../adapters/memory';
import { recommendedRedisOptions, redisTokenStore } from '../../adapters/redis';
import type { TokenStore } from '../../src/storage/token-store';
import {
  asUser, authorizeQuery, basic, callApi, createFixture, exchange, getCode, ISSUER, readConsentForm, tokensFor, type Fixture,
} from '../support/provider-fixture';
import { describeIf, has, hasBinary, POSTGRES_CONNECTION, uniquePrefix } from '../support/services';

/**
 * M. Reliability against real servers, never mocks: a private redis-server that the tests kill,
 * stop and restart, and a PostgreSQL reached through a TCP proxy that the tests cut. An outage
 * must answer 503 `temporarily_unavailable` with Retry-After quickly, never a stack, never a
 * 401/invalid_client that would make clients drop good credentials, and the same app must
 * recover by itself.
 */
const LEAK = /\n\s+at |node_modules|ECONNREFUSED|ECONNRESET|ioredis|knex|SELECT |TypeError|ReferenceError|Connection is closed|timed out/i;
const hasRedisServerBinary = hasBinary('redis-server', 'the Redis outage tests of test/reliability/outages.test.ts (they start, kill and stop their own redis-server)');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function reachable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

/** Polls `probe` up to 50 × 100 ms; resolves with the first truthy answer or the last one. */
async function eventually<T>(probe: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  let value = await probe();
  for (let i = 0; i < 50 && !done(value); i += 1) {
    await new Promise((r) => setTimeout(r, 100));
    value = await probe();
  }
  return value;
}

/** A redis-server of our own on a loopback port, with no persistence. */
class RedisServer {
  child: ChildProcess | null = null;
  constructor(readonly port: number) {}

  async start(): Promise<void> {
    const child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    this.child = child;
    const up = await eventually(() => reachable(this.port), Boolean);
    if (!up) throw new Error(`redis-server did not start on ${this.port}`);
  }

  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    this.child = null;
  }

  stop(): void { process.kill(this.child!.pid!, 'SIGSTOP'); }
  cont(): void { process.kill(this.child!.pid!, 'SIGCONT'); }
}

/** A TokenStore that runs a one-shot hook before or after one method: how a test makes Redis die mid-request. */
function hookedTokenStore(inner: TokenStore) {
  const hooks = new Map<string, { when: 'before' | 'after'; run: () => Promise<void> | void }>();
  const store = new Proxy(inner, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver) as unknown;
      if (typeof value !== 'function' || typeof name !== 'string') return value;
      return async (...args: unknown[]) => {
        const hook = hooks.get(name);
        if (hook) hooks.delete(name);
        if (hook?.when === 'before') await hook.run();
        const result = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        if (hook?.when === 'after') await hook.run();
        return result;
      };
    },
  });
  return { store, hooks };
}

function expectUnavailableJson(res: request.Response, started: number, withinMs = 2000) {
  expect(Date.now() - started).toBeLessThan(withinMs);
  expect(res.status).toBe(503);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.body.error).toBe('temporarily_unavailable');
  expect(res.headers['retry-after']).toMatch(/^\d+$/);
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.text).not.toMatch(LEAK);
}

const timed = async (run: () => Promise<request.Response>) => {
  const started = Date.now();
  return { res: await run(), started };
};

describeIf(has.redis && hasRedisServerBinary)('M. Redis outages (a private redis-server, killed and stopped for real)', () => {
  let server: RedisServer;
  let redis: Redis;
  let db: Knex;
  let f: Fixture;
  let hooks: ReturnType<typeof hookedTokenStore>['hooks'];
  const redisErrors: Error[] = [];
  const uncaughtBefore = process.listenerCount('uncaughtException');
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => { unhandled.push(reason); };

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    server = new RedisServer(await freePort());
    await server.start();
    // As a site would: the recommended fail-fast options, and an error listener of its own.
    redis = new Redis({ ...recommendedRedisOptions, host: '127.0.0.1', port: server.port });
    redis.on('error', (err: Error) => { redisErrors.push(err); });
    await new Promise<void>((resolve) => redis.once('ready', () => resolve()));
    db = knexFactory({ client: 'better-sqlite3', connection: { filename: ':memory:' }, useNullAsDefault: true, pool: { min: 1, max: 1 } });
    await migrate(db);
    const hooked = hookedTokenStore(redisTokenStore(redis, { prefix: `${uniquePrefix('outage')}:` }));
    hooks = hooked.hooks;
    f = await createFixture({ rateLimit: false }, { clients: knexClientStore(db), tokens: hooked.store });
  }, 20_000);

  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    redis?.disconnect();
    if (server?.child) {
      server.cont();
      await server.kill();
    }
    await db?.destroy();
  });

  /** Redis is back when the full happy path (consent, token, API) works again. */
  async function restartAndRecover(): Promise<void> {
    if (!server.child) await server.start();
    const recovered = await eventually(async () => {
      try {
        const body = await tokensFor(f);
        return (await callApi(f, body.access_token)).status;
      } catch {
        return 0;
      }
    }, (status) => status === 200);
    expect(recovered).toBe(200);
  }

  async function killRedis(): Promise<void> {
    await server.kill();
    // ioredis has seen the connection drop (the next command is refused at once).
    await eventually(async () => redis.status, (status) => status !== 'ready');
  }

  it('M1 answers the token endpoint with 503 temporarily_unavailable and Retry-After within 2 s when Redis is killed', async () => {
    const code = await getCode(f, f.conf);
    await killRedis();
    const { res, started } = await timed(() => exchange(f, f.conf, code));
    expectUnavailableJson(res, started);
    const refreshed = await timed(() => request(f.app).post('/oauth/token').set('Authorization', basic(f.conf.id, f.conf.secret!)).type('form')
      .send({ grant_type: 'refresh_token', refresh_token: `${'a'.repeat(22)}.${'b'.repeat(43)}` }));
    expectUnavailableJson(refreshed.res, refreshed.started);
  });

  it('M2 shows a 503 page at the consent decision when Redis is down before the request is read', async () => {
    // Redis is still down from M1.
    const res = await request(f.app).post('/oauth/authorize').set('Cookie', asUser()).set('Origin', ISSUER).type('form')
      .send({ transaction_id: 'abc', csrf_token: 'def', decision: 'approve' });
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers.location).toBeUndefined();
    expect(res.headers['retry-after']).toMatch(/^\d+$/);
    expect(res.text).not.toMatch(LEAK);
    const page = await request(f.app).get(`/oauth/authorize?${authorizeQuery(f.conf)}`).set('Cookie', asUser());
    expect(page.status).toBe(503);
    expect(page.headers.location).toBeUndefined();
    expect(page.text).not.toMatch(LEAK);
  });

  it('M3 answers requireScope with 503 (not 401, not 200) when Redis is down', async () => {
    await restartAndRecover();
    const { access_token: accessToken } = await tokensFor(f);
    await killRedis();
    const { res, started } = await timed(() => callApi(f, accessToken));
    expectUnavailableJson(res, started);
    expect(res.body.ok).toBeUndefined();
  });

  it('M4 answers revocation with 503 and Retry-After when Redis is down', async () => {
    await restartAndRecover();
    const tokens = await tokensFor(f);
    await killRedis();
    const { res, started } = await timed(() => request(f.app).post('/oauth/revoke').set('Authorization', basic(f.conf.id, f.conf.secret!)).type('form')
      .send({ token: tokens.refresh_token! }));
    expectUnavailableJson(res, started);
  });

  it('M2 redirects to the client with error=temporarily_unavailable when Redis dies after the request was read', async () => {
    await restartAndRecover();
    const page = await request(f.app).get(`/oauth/authorize?${authorizeQuery(f.conf)}`).set('Cookie', asUser());
    const form = readConsentForm(page.text);
    hooks.set('getAuthorizationRequest', { when: 'after', run: () => killRedis() });
    const res = await request(f.app).post(form.action).set('Cookie', asUser()).set('Origin', ISSUER).type('form').send({ ...form.fields, decision: 'approve' });
    expect([302, 303]).toContain(res.status);
    const location = new URL(res.headers.location!);
    expect(`${location.origin}${location.pathname}`).toBe(f.conf.redirectUri);
    expect(location.searchParams.get('error')).toBe('temporarily_unavailable');
    expect(location.searchParams.get('state')).toBe('st123');
    expect(location.searchParams.get('iss')).toBe(ISSUER);
    expect(location.searchParams.get('code')).toBeNull();
    expect(res.headers.location).not.toMatch(LEAK);
  });

  it('M5 answers 503 within commandTimeout + 1 s while Redis hangs (SIGSTOP), then recovers on SIGCONT', async () => {
    await restartAndRecover();
    const code = await getCode(f, f.conf);
    const tokens = await tokensFor(f);
    const budget = (recommendedRedisOptions.commandTimeout ?? 1000) + 1000;
    server.stop();
    try {
      const exchanged = await timed(() => exchange(f, f.conf, code));
      expectUnavailableJson(exchanged.res, exchanged.started, budget);
      const api = await timed(() => callApi(f, tokens.access_token));
      expectUnavailableJson(api.res, api.started, budget);
      const revoked = await timed(() => request(f.app).post('/oauth/revoke').set('Authorization', basic(f.conf.id, f.conf.secret!)).type('form')
        .send({ token: tokens.access_token }));
      expectUnavailableJson(revoked.res, revoked.started, budget);
    } finally {
      server.cont();
    }
    // The access token the revocation could not reach is still valid once Redis answers again.
    const api = await eventually(() => callApi(f, tokens.access_token), (res) => res.status !== 503);
    expect(api.status).toBe(200);
  });

  it('M8 fails closed when Redis dies as the code exchange saves (one step): 503, and the code is no good afterwards', async () => {
    await restartAndRecover();
    // SIGSTOP keeps the data and the script already sent: it runs when Redis resumes, after the
    // client gave up. The code is then spent, and its tokens, never handed out, die with the replay.
    const code = await getCode(f, f.conf);
    hooks.set('redeemCode', { when: 'before', run: () => server.stop() });
    try {
      const result = await timed(() => exchange(f, f.conf, code));
      expectUnavailableJson(result.res, result.started, 3000);
    } finally {
      server.cont();
    }
    await restartAndRecover();
    const replay = await exchange(f, f.conf, code);
    expect(replay.status).toBe(400);
    expect(replay.body.error).toBe('invalid_grant');
    expect(await f.tokens.getGrant(parseGrantSecret(code)!.grantId)).toBeNull();

    // SIGKILL loses everything the server held: the code is gone, never reusable either.
    const code2 = await getCode(f, f.conf);
    hooks.set('redeemCode', { when: 'before', run: () => killRedis() });
    const killed = await timed(() => exchange(f, f.conf, code2));
    expectUnavailableJson(killed.res, killed.started, 3000);
    await restartAndRecover();
    const replay2 = await exchange(f, f.conf, code2);
    expect(replay2.status).toBe(400);
    expect(replay2.body.error).toBe('invalid_grant');
  });

  it('M8 fails closed when Redis dies between consuming the code and saving the tokens (a store without the one step): 503, and the code stays spent', async () => {
    await restartAndRecover();
    const twoStep = new Proxy(f.tokens, {
      get: (target, name, receiver) => (name === 'redeemCode' ? undefined : Reflect.get(target, name, receiver) as unknown),
    });
    const g = await createFixture({ rateLimit: false }, { clients: f.clients, tokens: twoStep });
    // SIGSTOP keeps the data: the consumed mark must still be there when Redis resumes.
    const code = await getCode(g, g.conf);
    hooks.set('saveTokens', { when: 'before', run: () => server.stop() });
    try {
      const result = await timed(() => exchange(g, g.conf, code));
      expectUnavailableJson(result.res, result.started, 3000);
    } finally {
      server.cont();
    }
    await restartAndRecover();
    const replay = await exchange(g, g.conf, code);
    expect(replay.status).toBe(400);
    expect(replay.body.error).toBe('invalid_grant');
  });

  it('M6 recovers within 5 s when Redis starts again on the same port, without a new app, and nothing crashed', async () => {
    const errorsBefore = redisErrors.length;
    await killRedis();
    const down = await timed(() => callApi(f, 'x'.repeat(22) + '.' + 'y'.repeat(43)));
    expectUnavailableJson(down.res, down.started);
    // A reconnect attempt must fail while Redis is down before it comes back, or there would be
    // no connection error for the site's listener to see (bounded: up to 5 s).
    await eventually(async () => redisErrors.length, (n) => n > errorsBefore);
    const started = Date.now();
    await server.start();
    await restartAndRecover();
    expect(Date.now() - started).toBeLessThan(5000);
    // The site's listener saw the connection errors; none reached the process as unhandled.
    expect(redisErrors.length).toBeGreaterThan(errorsBefore);
    expect(process.listenerCount('uncaughtException')).toBe(uncaughtBefore);
    expect(unhandled).toEqual([]);
  });
});

/** A TCP proxy to PostgreSQL that the test can cut (closing every connection) and reopen on the same port. */
class CuttableProxy {
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  port = 0;

  async open(): Promise<void> {
    const server = net.createServer((client) => {
      const upstream = net.connect({ host: POSTGRES_CONNECTION.host, port: POSTGRES_CONNECTION.port });
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => { client.destroy(); upstream.destroy(); });
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const s of this.sockets) s.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

describeIf(has.postgres)('M7 SQL outage (PostgreSQL through a proxy the test cuts)', () => {
  const schema = uniquePrefix('outage_pg');
  const proxy = new CuttableProxy();
  let admin: Knex;
  let db: Knex;
  let f: Fixture;

  beforeAll(async () => {
    admin = knexFactory({ client: 'pg', connection: POSTGRES_CONNECTION, pool: { min: 0, max: 1 } });
    await admin.raw('CREATE SCHEMA ??', [schema]);
    await proxy.open();
    // As a site would configure Knex for an outage: give up on a connection after a second.
    db = knexFactory({
      client: 'pg', connection: { ...POSTGRES_CONNECTION, port: proxy.port, connectionTimeoutMillis: 1000 }, searchPath: [schema],
      pool: { min: 0, max: 4 }, acquireConnectionTimeout: 1500,
      // The outage is the point of the test; Knex's own console warnings about it are noise.
      log: { warn: () => undefined, error: () => undefined, debug: () => undefined, deprecate: () => undefined },
    });
    await migrate(db);
    f = await createFixture({ rateLimit: false }, { clients: knexClientStore(db), tokens: memoryTokenStore() });
  }, 20_000);

  afterAll(async () => {
    await proxy.cut();
    await db?.destroy();
    await admin?.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [schema]);
    await admin?.destroy();
  });

  it('M7 answers 503 (never invalid_client) at the token endpoint and a 503 page at authorize, then recovers', async () => {
    const code = await getCode(f, f.conf);
    await proxy.cut();

    const token = await timed(() => exchange(f, f.conf, code));
    expectUnavailableJson(token.res, token.started, 3000);
    const wrongSecret = await timed(() => request(f.app).post('/oauth/token').set('Authorization', basic(f.conf.id, 'wrong')).type('form')
      .send({ grant_type: 'authorization_code', code, redirect_uri: f.conf.redirectUri }));
    expectUnavailableJson(wrongSecret.res, wrongSecret.started, 3000);
    const revoke = await timed(() => request(f.app).post('/oauth/revoke').set('Authorization', basic(f.conf.id, f.conf.secret!)).type('form').send({ token: 'x' }));
    expectUnavailableJson(revoke.res, revoke.started, 3000);

    const page = await request(f.app).get(`/oauth/authorize?${authorizeQuery(f.conf)}`).set('Cookie', asUser());
    expect(page.status).toBe(503);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers.location).toBeUndefined();
    expect(page.text).not.toMatch(LEAK);

    await proxy.open();
    const recovered = await eventually(() => exchange(f, f.conf, code), (res) => res.status !== 503);
    expect(recovered.status).toBe(200);
    expect((await callApi(f, recovered.body.access_token)).status).toBe(200);
  });
});
