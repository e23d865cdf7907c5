import net from 'node:net';
import Redis from 'ioredis';
import request from 'supertest';
import { recommendedRedisOptions } from '../../adapters/redis';
import { mintGrantSecret, randomId } from '../../src/crypto';
import type { OAuthProviderOptions } from '../../src';
import {
  asUser, authorizeQuery, basic, createFixture, getCode, ISSUER, pkcePair, readConsentForm, type Fixture, type TestClient,
} from '../support/provider-fixture';
import { describeIf, has, REDIS_URL, uniquePrefix } from '../support/services';

/**
 * O. Rate limiting (RFC 6749 §2.3.1 "MUST protect against brute force", RFC 6819 §4.4.1.3):
 * failures are counted per IP and per IP + client (per IP and per user on the consent form);
 * past the limit every request of that key gets 429 until the window ends. Never per client
 * alone: its id is public, so that count would let anyone lock the client out.
 */
const FAILURES = 5;
const WINDOW_SECONDS = 60;
const limits = (extra: object = {}): Partial<OAuthProviderOptions> => ({ rateLimit: { failures: FAILURES, windowSeconds: WINDOW_SECONDS, ...extra } });

/** A site behind a proxy it trusts: X-Forwarded-For gives each test request its own client IP. */
async function behindProxy(overrides: Partial<OAuthProviderOptions> = limits()): Promise<Fixture> {
  const f = await createFixture(overrides);
  f.app.set('trust proxy', true);
  return f;
}

function token(f: Fixture, ip: string, auth: string | null, form: Record<string, string>) {
  const req = request(f.app).post('/oauth/token').set('X-Forwarded-For', ip).type('form');
  if (auth) req.set('Authorization', auth);
  return req.send(form);
}

const codeForm = (client: TestClient, code: string, extra: Record<string, string> = {}) =>
  ({ grant_type: 'authorization_code', code, redirect_uri: client.redirectUri, ...extra });

function expectLimited(res: request.Response) {
  expect(res.status).toBe(429);
  const retryAfter = Number(res.headers['retry-after']);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(WINDOW_SECONDS);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(typeof res.body.error).toBe('string');
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.text).not.toMatch(/\n\s+at |node_modules/);
}

afterEach(() => {
  jest.restoreAllMocks();
});

describe('O. rate limiting', () => {
  it('O1 answers wrong client secrets with 401 up to the limit, then 429 even for the right secret from that IP, until the window ends', async () => {
    const f = await behindProxy();
    const code = await getCode(f, f.conf);
    const otherCode = await getCode(f, f.other);
    const attacker = '203.0.113.10';

    for (let i = 0; i < FAILURES; i += 1) {
      const res = await token(f, attacker, basic(f.conf.id, `wrong-${i}`), codeForm(f.conf, code));
      expect(res.status).toBe(401);
      expect(res.body.error).toBe('invalid_client');
    }
    expectLimited(await token(f, attacker, basic(f.conf.id, 'wrong-again'), codeForm(f.conf, code)));
    // The right secret from that IP is refused too (and the code is not spent by the refusal).
    expectLimited(await token(f, attacker, basic(f.conf.id, f.conf.secret!), codeForm(f.conf, code)));
    // Another client from another IP is not affected.
    const bystander = await token(f, '198.51.100.8', basic(f.other.id, f.other.secret!), codeForm(f.other, otherCode));
    expect(bystander.status).toBe(200);

    // After the window, conf works again from the attacker's IP too, with the code it still holds.
    const now = Date.now();
    jest.spyOn(Date, 'now').mockReturnValue(now + (WINDOW_SECONDS + 1) * 1000);
    const later = await token(f, attacker, basic(f.conf.id, f.conf.secret!), codeForm(f.conf, code));
    expect(later.status).toBe(200);
    expect(later.body.access_token).toEqual(expect.any(String));
  });

  it('O1 does not let failures from many IPs lock a client out: conf with its right secret from a fresh IP still gets 200', async () => {
    const f = await behindProxy();
    const code = await getCode(f, f.conf);
    const attackers = ['203.0.113.12', '203.0.113.13', '203.0.113.14', '203.0.113.15'];
    for (const ip of attackers) {
      for (let i = 0; i < FAILURES; i += 1) {
        const res = await token(f, ip, basic(f.conf.id, `wrong-${i}`), codeForm(f.conf, code));
        expect(res.status).toBe(401);
        expect(res.body.error).toBe('invalid_client');
      }
      expectLimited(await token(f, ip, basic(f.conf.id, 'wrong-again'), codeForm(f.conf, code)));
    }
    // 4 × FAILURES failures for conf in one window, yet the real conf from its own address is served.
    const real = await token(f, '198.51.100.9', basic(f.conf.id, f.conf.secret!), codeForm(f.conf, code));
    expect(real.status).toBe(200);
    expect(real.body.access_token).toEqual(expect.any(String));
  });

  it('O1 counts failures per IP across clients: after failing against conf, the same IP gets 429 for other too', async () => {
    const f = await behindProxy();
    const otherCode = await getCode(f, f.other);
    const ip = '203.0.113.16';
    for (let i = 0; i < FAILURES; i += 1) {
      const res = await token(f, ip, basic(f.conf.id, `wrong-${i}`), codeForm(f.conf, 'x'));
      expect(res.status).toBe(401);
    }
    expectLimited(await token(f, ip, basic(f.other.id, f.other.secret!), codeForm(f.other, otherCode)));
    // The refusal did not spend other's code: from its own IP it redeems it.
    expect((await token(f, '198.51.100.10', basic(f.other.id, f.other.secret!), codeForm(f.other, otherCode))).status).toBe(200);
  });

  it('O1 counts wrong secrets sent in the body (client_secret_post) the same way', async () => {
    const f = await behindProxy();
    const ip = '203.0.113.11';
    for (let i = 0; i < FAILURES; i += 1) {
      const res = await token(f, ip, null, { grant_type: 'refresh_token', refresh_token: 'x', client_id: f.conf.id, client_secret: `wrong-${i}` });
      expect(res.status).toBe(401);
    }
    expectLimited(await token(f, ip, null, { grant_type: 'refresh_token', refresh_token: 'x', client_id: f.conf.id, client_secret: f.conf.secret! }));
  });

  it('O2 answers guessed codes with invalid_grant up to the limit, then 429', async () => {
    const f = await behindProxy();
    const ip = '203.0.113.20';
    for (let i = 0; i < FAILURES; i += 1) {
      const guess = i % 2 === 0 ? mintGrantSecret(randomId()).value : `guess-${i}`;
      const res = await token(f, ip, basic(f.conf.id, f.conf.secret!), codeForm(f.conf, guess));
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_grant');
    }
    expectLimited(await token(f, ip, basic(f.conf.id, f.conf.secret!), codeForm(f.conf, mintGrantSecret(randomId()).value)));
    // A real code of that client is refused as well while the limit lasts.
    expectLimited(await token(f, ip, basic(f.conf.id, f.conf.secret!), codeForm(f.conf, await getCode(f, f.conf))));
  });

  it('O2 limits guessed refresh tokens of a public client the same way', async () => {
    const f = await behindProxy();
    const ip = '203.0.113.21';
    for (let i = 0; i < FAILURES; i += 1) {
      const res = await token(f, ip, null, { grant_type: 'refresh_token', refresh_token: mintGrantSecret(randomId()).value, client_id: f.pub.id });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_grant');
    }
    expectLimited(await token(f, ip, null, { grant_type: 'refresh_token', refresh_token: mintGrantSecret(randomId()).value, client_id: f.pub.id }));
  });

  it('O2 limits token probing through revocation and introspection', async () => {
    const f = await behindProxy();
    const ip = '203.0.113.22';
    for (let i = 0; i < FAILURES; i += 1) {
      const res = await request(f.app).post('/oauth/introspect').set('X-Forwarded-For', ip).set('Authorization', basic(f.conf.id, f.conf.secret!))
        .type('form').send({ token: mintGrantSecret(randomId()).value });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ active: false });
    }
    expectLimited(await request(f.app).post('/oauth/introspect').set('X-Forwarded-For', ip).set('Authorization', basic(f.conf.id, f.conf.secret!))
      .type('form').send({ token: mintGrantSecret(randomId()).value }));
    for (let i = 0; i < FAILURES; i += 1) {
      const res = await request(f.app).post('/oauth/revoke').set('X-Forwarded-For', '203.0.113.23').set('Authorization', basic(f.other.id, `bad-${i}`))
        .type('form').send({ token: 'x' });
      expect(res.status).toBe(401);
    }
    expectLimited(await request(f.app).post('/oauth/revoke').set('X-Forwarded-For', '203.0.113.23').set('Authorization', basic(f.other.id, f.other.secret!))
      .type('form').send({ token: 'x' }));
  });

  it('O3 caps the consent pages (stored transactions) one user opens per window', async () => {
    const f = await createFixture({ rateLimit: { failures: 2, windowSeconds: 60 } });
    const open = (user: string) => request(f.app).get(`/oauth/authorize?${authorizeQuery(f.conf)}`).set('Cookie', asUser(user));
    for (let i = 0; i < 6; i += 1) expect((await open('alice')).status).toBe(200);
    const limited = await open('alice');
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toEqual(expect.any(String));
    expect(limited.headers.location).toBeUndefined();
  });

  it('O3 bounds consent-form floods per user and per IP', async () => {
    const f = await behindProxy();
    const flood = (user: string, ip: string, fields: Record<string, string>) => request(f.app).post('/oauth/authorize')
      .set('X-Forwarded-For', ip).set('Cookie', asUser(user)).set('Origin', ISSUER).type('form').send(fields);

    for (let i = 0; i < FAILURES; i += 1) {
      const res = await flood('alice', '203.0.113.30', { transaction_id: `guess-${i}`, csrf_token: 'x', decision: 'approve' });
      expect([400, 403]).toContain(res.status);
      expect(res.headers.location).toBeUndefined();
    }
    const limited = await flood('alice', '203.0.113.30', { transaction_id: 'guess', csrf_token: 'x', decision: 'approve' });
    expect(limited.status).toBe(429);
    expect(limited.headers['content-type']).toMatch(/^text\/html/);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(limited.headers.location).toBeUndefined();

    // alice from another IP is limited too (her user key), and even a real transaction of hers waits.
    const page = await request(f.app).get(`/oauth/authorize?${authorizeQuery(f.conf)}`).set('Cookie', asUser('alice'));
    const form = readConsentForm(page.text);
    expect((await flood('alice', '198.51.100.30', { ...form.fields, decision: 'approve' })).status).toBe(429);

    // bob from alice's flooding IP is limited too (the IP key), his real transaction included.
    const bobPage = await request(f.app).get(`/oauth/authorize?${authorizeQuery(f.conf)}`).set('Cookie', asUser('bob'));
    const bobForm = readConsentForm(bobPage.text);
    const bobThere = await flood('bob', '203.0.113.30', { ...bobForm.fields, decision: 'approve' });
    expect(bobThere.status).toBe(429);
    expect(bobThere.headers.location).toBeUndefined();

    // bob, from his own IP, is not affected, and the refusal did not spend his transaction.
    const bob = await flood('bob', '198.51.100.31', { ...bobForm.fields, decision: 'approve' });
    expect(bob.status).toBe(303);
    expect(bob.headers.location).toMatch(/[?&]code=/);

    // After the window alice's still-open transaction goes through.
    jest.spyOn(Date, 'now').mockReturnValue(Date.now() + (WINDOW_SECONDS + 1) * 1000);
    const later = await flood('alice', '198.51.100.30', { ...form.fields, decision: 'approve' });
    expect(later.status).toBe(303);
  });

  it('does not count successful requests: a busy client refreshing many times is never limited', async () => {
    const f = await behindProxy();
    const { verifier, challenge } = pkcePair();
    const code = await getCode(f, f.pub, { code_challenge: challenge, code_challenge_method: 'S256' });
    let res = await token(f, '203.0.113.40', null, { ...codeForm(f.pub, code, { code_verifier: verifier }), client_id: f.pub.id });
    expect(res.status).toBe(200);
    for (let i = 0; i < FAILURES * 3; i += 1) {
      res = await token(f, '203.0.113.40', null, { grant_type: 'refresh_token', refresh_token: res.body.refresh_token, client_id: f.pub.id });
      expect(res.status).toBe(200);
    }
  });

  describe('O4 with the counters in Redis', () => {
    let port = 0;
    let dead: Redis;

    beforeAll(async () => {
      // A port nothing listens on: the Redis the limiter needs is down.
      port = await new Promise<number>((resolve) => {
        const probe = net.createServer().listen(0, '127.0.0.1', () => {
          const { port: p } = probe.address() as net.AddressInfo;
          probe.close(() => resolve(p));
        });
      });
      dead = new Redis({ ...recommendedRedisOptions, host: '127.0.0.1', port, lazyConnect: false });
      dead.on('error', () => undefined);
    });
    afterAll(() => dead.disconnect());

    it('O4 answers 503 temporarily_unavailable (not unlimited attempts) when the limiter store is down', async () => {
      const f = await behindProxy(limits({ redis: dead }));
      for (let i = 0; i < FAILURES + 2; i += 1) {
        const started = Date.now();
        const res = await token(f, '203.0.113.50', basic(f.conf.id, `wrong-${i}`), codeForm(f.conf, 'x'));
        expect(Date.now() - started).toBeLessThan(2000);
        expect(res.status).toBe(503);
        expect(res.body.error).toBe('temporarily_unavailable');
        expect(res.headers['retry-after']).toEqual(expect.stringMatching(/^\d+$/));
        expect(res.headers['cache-control']).toBe('no-store');
        expect(res.text).not.toMatch(/ECONNREFUSED|ioredis|\n\s+at /);
      }
      const decision = await request(f.app).post('/oauth/authorize').set('Cookie', asUser()).set('Origin', ISSUER).type('form')
        .send({ transaction_id: 'x', csrf_token: 'y', decision: 'approve' });
      expect(decision.status).toBe(503);
      expect(decision.headers['retry-after']).toBeDefined();
      expect(decision.text).not.toMatch(/ECONNREFUSED|ioredis|\n\s+at /);
      const introspect = await request(f.app).post('/oauth/introspect').set('Authorization', basic(f.conf.id, f.conf.secret!)).type('form').send({ token: 'x' });
      expect(introspect.status).toBe(503);
    });

    describeIf(has.redis)('on a real Redis', () => {
      const keyPrefix = `${uniquePrefix('rl')}:`;
      const clients: Redis[] = [];
      const connect = async () => {
        const client = new Redis(REDIS_URL, { ...recommendedRedisOptions });
        client.on('error', () => undefined);
        await new Promise<void>((resolve) => client.once('ready', () => resolve()));
        clients.push(client);
        return client;
      };
      afterAll(async () => {
        const keys = await clients[0]?.keys(`${keyPrefix}*`);
        if (keys?.length) await clients[0]!.del(...keys);
        for (const c of clients) c.disconnect();
      });

      it('O1 shares the failure count between two provider instances', async () => {
        const redisA = await connect();
        const redisB = await connect();
        // Two instances of one site: separate apps and connections, one Redis, one key prefix.
        const a = await behindProxy(limits({ redis: redisA, keyPrefix }));
        const b = await createFixture({ ...limits({ redis: redisB, keyPrefix }) }, { clients: a.clients, tokens: a.tokens });
        b.app.set('trust proxy', true);
        const ip = '203.0.113.60';
        for (let i = 0; i < FAILURES; i += 1) {
          const instance = i % 2 === 0 ? a : b;
          const res = await token(instance, ip, basic(a.conf.id, `wrong-${i}`), codeForm(a.conf, 'x'));
          expect(res.status).toBe(401);
          // The count is written when the answer finishes; a round trip on the same connection lands after it.
          await (i % 2 === 0 ? redisA : redisB).ping();
        }
        expectLimited(await token(b, ip, basic(a.conf.id, a.conf.secret!), codeForm(a.conf, 'x')));
        expectLimited(await token(a, ip, basic(a.conf.id, a.conf.secret!), codeForm(a.conf, 'x')));
        expect((await redisA.keys(`${keyPrefix}*`)).length).toBeGreaterThan(0);
      });
    });
  });
});
