import net from 'node:net';
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import Redis from 'ioredis';
import request from 'supertest';
import { recommendedRedisOptions } from '../../adapters/redis';
import { mintGrantSecret, randomId } from '../../src/crypto';
import type { OAuthProviderOptions } from '../../src';
import {
  asUser, authorizeQuery, basic, createFixture, getCode, ISSUER, pkcePair, readConsentForm, type Fixture, type TestClient,
} from '../support/provider-fixture';
import { askDevice, deviceFor, DEVICE_GRANT, poll, typeCode } from '../support/device-flow';
import { describeIf, has, REDIS_URL, uniquePrefix } from '../support/services';

/**
 * O. Rate limiting (RFC 6749 §2.3.1 "MUST protect against brute force", RFC 6819 §4.4.1.3).
 * Limits count guesses, keyed on what is guessed: failed client authentication per address +
 * client, an authenticated client's own errors per client, PINs per address + client, user codes
 * and consent forms per user, requests naming no client per address among themselves. Nothing is
 * keyed on a client id alone unless the client proved it, nor on an address alone for anything
 * a client or user proved. Every test site here sits behind a proxy it trusts with one hop, so
 * X-Forwarded-For gives each request its address.
 */
const FAILURES = 5;
const WINDOW_SECONDS = 60;
const limits = (extra: object = {}): Partial<OAuthProviderOptions> => ({ rateLimit: { failures: FAILURES, windowSeconds: WINDOW_SECONDS, ...extra } });

async function behindProxy(overrides: Partial<OAuthProviderOptions> = limits()): Promise<Fixture> {
  const f = await createFixture(overrides);
  f.app.set('trust proxy', 1);
  return f;
}

function token(f: Fixture, ip: string, auth: string | null, form: Record<string, string>) {
  const req = request(f.app).post('/oauth/token').set('X-Forwarded-For', ip).type('form');
  if (auth) req.set('Authorization', auth);
  return req.send(form);
}

const codeForm = (client: TestClient, code: string, extra: Record<string, string> = {}) =>
  ({ grant_type: 'authorization_code', code, redirect_uri: client.redirectUri, ...extra });
const randomCode = () => mintGrantSecret(randomId()).value;

function expectLimited(res: request.Response, error = 'temporarily_unavailable') {
  expect(res.status).toBe(429);
  const retryAfter = Number(res.headers['retry-after']);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(WINDOW_SECONDS);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.body.error).toBe(error);
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.text).not.toMatch(/\n\s+at |node_modules/);
}

const count = (responses: request.Response[], status: number) => responses.filter((r) => r.status === status).length;

afterEach(() => {
  jest.restoreAllMocks();
});

describe('O1 failed client authentication: per address + client', () => {
  it('answers wrong secrets with 401 up to the limit, then 429 even for the right secret from that address, until the window ends', async () => {
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
    // The right secret from that address is refused too (and the code is not spent by the refusal).
    expectLimited(await token(f, attacker, basic(f.conf.id, f.conf.secret!), codeForm(f.conf, code)));
    // Another client at the very same address is not affected.
    expect((await token(f, attacker, basic(f.other.id, f.other.secret!), codeForm(f.other, otherCode))).status).toBe(200);

    const now = Date.now();
    jest.spyOn(Date, 'now').mockReturnValue(now + (WINDOW_SECONDS + 1) * 1000);
    const later = await token(f, attacker, basic(f.conf.id, f.conf.secret!), codeForm(f.conf, code));
    expect(later.status).toBe(200);
    expect(later.body.access_token).toEqual(expect.any(String));
  });

  it('counts atomically: of 100 concurrent wrong secrets at most the limit get an answer, the rest 429', async () => {
    const f = await behindProxy();
    const responses = await Promise.all(Array.from({ length: 100 }, (_, i) =>
      token(f, '203.0.113.11', basic(f.conf.id, `wrong-${i}`), codeForm(f.conf, 'x'))));
    expect(count(responses, 401)).toBe(FAILURES);
    expect(count(responses, 429)).toBe(100 - FAILURES);
  });

  it('does not let failures from many addresses lock a client out: conf with its right secret from a fresh address still gets 200', async () => {
    const f = await behindProxy();
    const code = await getCode(f, f.conf);
    for (const ip of ['203.0.113.12', '203.0.113.13', '203.0.113.14', '203.0.113.15']) {
      for (let i = 0; i < FAILURES; i += 1) expect((await token(f, ip, basic(f.conf.id, `wrong-${i}`), codeForm(f.conf, code))).status).toBe(401);
      expectLimited(await token(f, ip, basic(f.conf.id, 'wrong-again'), codeForm(f.conf, code)));
    }
    const real = await token(f, '198.51.100.9', basic(f.conf.id, f.conf.secret!), codeForm(f.conf, code));
    expect(real.status).toBe(200);
  });

  it('counts wrong secrets sent in the body (client_secret_post) the same way', async () => {
    const f = await behindProxy();
    const ip = '203.0.113.16';
    for (let i = 0; i < FAILURES; i += 1) {
      const res = await token(f, ip, null, { grant_type: 'refresh_token', refresh_token: 'x', client_id: f.conf.id, client_secret: `wrong-${i}` });
      expect(res.status).toBe(401);
    }
    expectLimited(await token(f, ip, null, { grant_type: 'refresh_token', refresh_token: 'x', client_id: f.conf.id, client_secret: f.conf.secret! }));
  });

  it('limits wrong secrets at introspection and revocation too, but never refuses a revocation by the real client', async () => {
    const f = await behindProxy();
    const ip = '203.0.113.17';
    const introspect = (secret: string) => request(f.app).post('/oauth/introspect').set('X-Forwarded-For', ip)
      .set('Authorization', basic(f.other.id, secret)).type('form').send({ token: 'x' });
    const revoke = (secret: string) => request(f.app).post('/oauth/revoke').set('X-Forwarded-For', ip)
      .set('Authorization', basic(f.other.id, secret)).type('form').send({ token: 'x' });
    for (let i = 0; i < FAILURES; i += 1) expect((await introspect(`bad-${i}`)).status).toBe(401);
    expectLimited(await introspect('bad-again'));
    expectLimited(await revoke('bad-again'));
    expectLimited(await token(f, ip, basic(f.other.id, f.other.secret!), codeForm(f.other, 'x')));
    // RFC 7009 revocation is what a client does when something is wrong: proving itself is enough.
    const revoked = await revoke(f.other.secret!);
    expect(revoked.status).toBe(200);
    expect(revoked.body).toEqual({});
  });
});

describe("O2 an authenticated client's own errors count against it alone", () => {
  it('answers guessed codes with invalid_grant up to the limit, then 429; the same client at the same address still redeems a real code, and other clients are untouched', async () => {
    const f = await behindProxy();
    const ip = '203.0.113.20';
    for (let i = 0; i < FAILURES; i += 1) {
      const guess = i % 2 === 0 ? randomCode() : `guess-${i}`;
      const res = await token(f, ip, basic(f.conf.id, f.conf.secret!), codeForm(f.conf, guess));
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_grant');
    }
    expectLimited(await token(f, ip, basic(f.conf.id, f.conf.secret!), codeForm(f.conf, randomCode())));
    // Codes have 256 bits: refusing the guesser's real work would protect nothing and stop its users.
    expect((await token(f, ip, basic(f.conf.id, f.conf.secret!), codeForm(f.conf, await getCode(f, f.conf)))).status).toBe(200);
    // Not the address, not other clients: other's mistakes there are still answered as mistakes.
    const othersMistake = await token(f, ip, basic(f.other.id, f.other.secret!), codeForm(f.other, randomCode()));
    expect(othersMistake.status).toBe(400);
    expect(othersMistake.body.error).toBe('invalid_grant');
  });

  it('counts every kind of protocol error (unsupported grant type, a duplicated parameter, a wrong scope) against the client that made it', async () => {
    const f = await behindProxy();
    const ip = '203.0.113.21';
    const mistakes = [
      () => token(f, ip, basic(f.conf.id, f.conf.secret!), { grant_type: 'password', username: 'a', password: 'b' }),
      () => request(f.app).post('/oauth/token').set('X-Forwarded-For', ip).set('Authorization', basic(f.conf.id, f.conf.secret!))
        .type('form').send('grant_type=refresh_token&refresh_token=a&scope=read&scope=write'),
      () => token(f, ip, basic(f.conf.id, f.conf.secret!), { grant_type: 'refresh_token', refresh_token: randomCode(), scope: 'admin' }),
    ];
    const answers: number[] = [];
    for (let i = 0; i < FAILURES; i += 1) answers.push((await mistakes[i % mistakes.length]!()).status);
    expect(answers.every((s) => s === 400)).toBe(true);
    expectLimited(await mistakes[0]!());
    const fine = await token(f, ip, basic(f.other.id, f.other.secret!), { grant_type: 'password', username: 'a', password: 'b' });
    expect(fine.status).toBe(400);
    expect(fine.body.error).toBe('unsupported_grant_type');
  });

  it("keeps a public client's errors with the address that made them: its id proves nothing", async () => {
    const f = await behindProxy();
    const guess = (ip: string) => token(f, ip, null, { grant_type: 'refresh_token', refresh_token: randomCode(), client_id: f.pub.id });
    for (let i = 0; i < FAILURES; i += 1) expect((await guess('203.0.113.22')).status).toBe(400);
    expectLimited(await guess('203.0.113.22'));
    expect((await guess('198.51.100.22')).body.error).toBe('invalid_grant');
  });

  it('counts inactive introspection answers against a client that is not a resource server', async () => {
    const f = await behindProxy();
    const probe = () => request(f.app).post('/oauth/introspect').set('X-Forwarded-For', '203.0.113.23')
      .set('Authorization', basic(f.conf.id, f.conf.secret!)).type('form').send({ token: randomCode() });
    for (let i = 0; i < FAILURES; i += 1) expect((await probe()).body).toEqual({ active: false });
    expectLimited(await probe());
  });

  it('answers device polling that goes over the limit with slow_down (RFC 8628), and everything else with temporarily_unavailable', async () => {
    const f = await behindProxy();
    const ip = '203.0.113.24';
    for (let i = 0; i < FAILURES; i += 1) {
      expect((await token(f, ip, basic(f.conf.id, f.conf.secret!), { grant_type: DEVICE_GRANT, device_code: randomCode() })).status).toBe(400);
    }
    expectLimited(await token(f, ip, basic(f.conf.id, f.conf.secret!), { grant_type: DEVICE_GRANT, device_code: randomCode() }), 'slow_down');
    expectLimited(await token(f, ip, basic(f.conf.id, f.conf.secret!), codeForm(f.conf, randomCode())));
  });

  it('does not count a device waiting for its user (authorization_pending), however often it polls', async () => {
    const f = await behindProxy();
    const device = await deviceFor(f, f.conf);
    const start = Date.now();
    for (let i = 1; i <= FAILURES * 2; i += 1) {
      jest.spyOn(Date, 'now').mockReturnValue(start + i * 6000);
      expect((await poll(f, f.conf, device.device_code).set('X-Forwarded-For', '203.0.113.26')).body.error).toBe('authorization_pending');
    }
  });

  it('does not count successful requests: a busy client refreshing many times is never limited', async () => {
    const f = await behindProxy();
    const { verifier, challenge } = pkcePair();
    const code = await getCode(f, f.pub, { code_challenge: challenge, code_challenge_method: 'S256' });
    let res = await token(f, '203.0.113.25', null, { ...codeForm(f.pub, code, { code_verifier: verifier }), client_id: f.pub.id });
    expect(res.status).toBe(200);
    for (let i = 0; i < FAILURES * 3; i += 1) {
      res = await token(f, '203.0.113.25', null, { grant_type: 'refresh_token', refresh_token: res.body.refresh_token, client_id: f.pub.id });
      expect(res.status).toBe(200);
    }
  });
});

describe('requests that name no client', () => {
  it('slow each other down but never an authenticated client at the same address', async () => {
    const f = await behindProxy();
    const ip = '203.0.113.30';
    const junk = [
      () => token(f, ip, null, { grant_type: 'authorization_code', code: 'x' }),
      () => request(f.app).post('/oauth/token').set('X-Forwarded-For', ip).set('Content-Type', 'text/plain').send('hello'),
      () => request(f.app).post('/oauth/revoke').set('X-Forwarded-For', ip).type('form').send({ token: 'x' }),
      () => request(f.app).post('/oauth/device_authorization').set('X-Forwarded-For', ip).type('form').send({ scope: 'read' }),
    ];
    for (let i = 0; i < FAILURES; i += 1) expect([400, 401]).toContain((await junk[i % junk.length]!()).status);
    for (const send of junk) expectLimited(await send());
    const honest = await token(f, ip, basic(f.conf.id, f.conf.secret!), codeForm(f.conf, await getCode(f, f.conf)));
    expect(honest.status).toBe(200);
  });
});

describe('PINs and user codes: short secrets, spent before they are read', () => {
  it('lets at most the limit of 100 concurrent PIN guesses for one client and address be read', async () => {
    const f = await behindProxy();
    const responses = await Promise.all(Array.from({ length: 100 }, () =>
      token(f, '203.0.113.40', basic(f.conf.id, f.conf.secret!), { grant_type: 'pin', pin: 'BBBB-BBBB' })));
    expect(count(responses, 400)).toBe(FAILURES);
    expect(count(responses, 429)).toBe(100 - FAILURES);
    // The same app used from another address (another user's desktop) is not affected.
    expect((await token(f, '198.51.100.40', basic(f.conf.id, f.conf.secret!), { grant_type: 'pin', pin: 'BBBB-BBBB' })).status).toBe(400);
  });

  it('refunds a right PIN, so honest users of one address never use up the budget', async () => {
    const f = await behindProxy(limits({ failures: 2 }));
    for (let i = 0; i < 4; i += 1) {
      const page = await request(f.app).get(`/oauth/authorize?client_id=${f.conf.id}&response_type=pin&scope=read`).set('Cookie', asUser());
      const form = readConsentForm(page.text);
      const shown = await request(f.app).post(form.action).set('Cookie', asUser()).set('Origin', ISSUER).type('form').send({ ...form.fields, decision: 'approve' });
      const pin = /id="pin"[^>]*>([^<]+)</.exec(shown.text)![1]!;
      expect((await token(f, '203.0.113.41', basic(f.conf.id, f.conf.secret!), { grant_type: 'pin', pin })).status).toBe(200);
    }
  });

  it('counts user codes typed at /device per user: 100 concurrent guesses by one user, at most the limit read; a colleague at the same address is not slowed', async () => {
    const f = await behindProxy(limits({ failures: FAILURES }));
    const formPage = await request(f.app).get('/oauth/device').set('Cookie', asUser());
    const form = readConsentForm(formPage.text);
    // One form, many concurrent guesses: each POST is spent before its transaction is even looked at.
    const guesses = await Promise.all(Array.from({ length: 100 }, () => request(f.app).post(form.action).set('X-Forwarded-For', '203.0.113.42')
      .set('Cookie', asUser()).set('Origin', ISSUER).type('form').send({ ...form.fields, user_code: 'BBBB-BBBB' })));
    expect(count(guesses, 429)).toBeGreaterThanOrEqual(100 - FAILURES);
    expect(guesses.every((g) => g.status !== 200)).toBe(true);
    const limited = guesses.find((g) => g.status === 429)!;
    expect(limited.headers['content-type']).toMatch(/^text\/html/);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    const device = await deviceFor(f, f.pub);
    expect((await typeCode(f, device.user_code, 'bob')).status).toBe(200);
  });
});

describe('O3 consent pages and forms: per user, never per address', () => {
  it('caps the consent pages (stored transactions) one user opens per window; another user at the same address is not affected', async () => {
    const f = await behindProxy(limits({ failures: 2 }));
    const open = (user: string) => request(f.app).get(`/oauth/authorize?${authorizeQuery(f.conf)}`).set('X-Forwarded-For', '203.0.113.50').set('Cookie', asUser(user));
    for (let i = 0; i < 6; i += 1) expect((await open('alice')).status).toBe(200);
    const limited = await open('alice');
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toEqual(expect.any(String));
    expect(limited.headers.location).toBeUndefined();
    expect((await open('bob')).status).toBe(200);
  });

  it('bounds consent-form failures per user: alice is limited everywhere, bob at her address is not', async () => {
    const f = await behindProxy();
    const send = (user: string, ip: string, fields: Record<string, string>) => request(f.app).post('/oauth/authorize')
      .set('X-Forwarded-For', ip).set('Cookie', asUser(user)).set('Origin', ISSUER).type('form').send(fields);
    for (let i = 0; i < FAILURES; i += 1) {
      const res = await send('alice', '203.0.113.51', { transaction_id: `guess-${i}`, csrf_token: 'x', decision: 'approve' });
      expect([400, 403]).toContain(res.status);
    }
    const limited = await send('alice', '203.0.113.51', { transaction_id: 'guess', csrf_token: 'x', decision: 'approve' });
    expect(limited.status).toBe(429);
    expect(limited.headers['content-type']).toMatch(/^text\/html/);
    expect(limited.headers.location).toBeUndefined();

    const page = await request(f.app).get(`/oauth/authorize?${authorizeQuery(f.conf)}`).set('Cookie', asUser('alice'));
    const form = readConsentForm(page.text);
    expect((await send('alice', '198.51.100.52', { ...form.fields, decision: 'approve' })).status).toBe(429);

    const bobPage = await request(f.app).get(`/oauth/authorize?${authorizeQuery(f.conf)}`).set('Cookie', asUser('bob'));
    const bob = await send('bob', '203.0.113.51', { ...readConsentForm(bobPage.text).fields, decision: 'approve' });
    expect(bob.status).toBe(303);
    expect(bob.headers.location).toMatch(/[?&]code=/);

    // After the window alice's still-open transaction goes through: the refusal did not spend it.
    jest.spyOn(Date, 'now').mockReturnValue(Date.now() + (WINDOW_SECONDS + 1) * 1000);
    expect((await send('alice', '198.51.100.52', { ...form.fields, decision: 'approve' })).status).toBe(303);
  });
});

describe('bounded writes for callers who prove nothing', () => {
  it('caps device authorizations per address + client, and site-wide', async () => {
    const f = await behindProxy(limits({ failures: 2, maxPending: 10 }));
    const ask = (ip: string) => askDevice(f, f.pub).set('X-Forwarded-For', ip);
    const first = await Promise.all(Array.from({ length: 20 }, () => ask('203.0.113.60')));
    expect(count(first, 200)).toBe(6);
    expectLimited(first.find((r) => r.status === 429)!);
    // From many addresses the site-wide ceiling holds.
    const spread = await Promise.all(Array.from({ length: 20 }, (_, i) => ask(`198.51.100.${100 + i}`)));
    expect(count(spread, 200)).toBe(10 - 6);
  });
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
      const res = await token(f, '203.0.113.70', basic(f.conf.id, `wrong-${i}`), codeForm(f.conf, 'x'));
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
    const page = await request(f.app).get(`/oauth/authorize?${authorizeQuery(f.conf)}`).set('Cookie', asUser());
    expect(page.status).toBe(503);
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

    it('O1 shares the count between two provider instances, atomically: 100 concurrent wrong secrets across both, the limit answered', async () => {
      const a = await behindProxy(limits({ redis: await connect(), keyPrefix }));
      const b = await createFixture(limits({ redis: await connect(), keyPrefix }), { clients: a.clients, tokens: a.tokens });
      b.app.set('trust proxy', 1);
      const ip = '203.0.113.71';
      const responses = await Promise.all(Array.from({ length: 100 }, (_, i) =>
        token(i % 2 === 0 ? a : b, ip, basic(a.conf.id, `wrong-${i}`), codeForm(a.conf, 'x'))));
      expect(count(responses, 401)).toBe(FAILURES);
      expect(count(responses, 429)).toBe(100 - FAILURES);
      expectLimited(await token(b, ip, basic(a.conf.id, a.conf.secret!), codeForm(a.conf, 'x')));
      expectLimited(await token(a, ip, basic(a.conf.id, a.conf.secret!), codeForm(a.conf, 'x')));
    });
  });
});
