import Redis from 'ioredis';
import request from 'supertest';
import { recommendedRedisOptions } from '../../adapters/redis';
import { createForumApp, type ForumApp } from '../../example-app/app';
import { LOGIN_LIMITS, loginThrottle } from '../../example-app/login-throttle';
import { describeIf, has, REDIS_URL, uniquePrefix } from '../support/services';
import { BACKENDS, type Backend } from './backends';
import { submitForm, type Agent } from './forms';

/**
 * The forum's login form counts failed logins per username + address and per username, before it
 * checks the password (so concurrent guesses cannot outrun the count), in Redis when the forum
 * has one and in memory otherwise.
 */
const PUBLIC_URL = 'http://forum.test';
const PER_ADDRESS = LOGIN_LIMITS.perUserAndAddress.points;

function forumOn(backend: Backend) {
  const ctx = {} as { forum: ForumApp; drop: () => Promise<void> };
  beforeAll(async () => {
    const { config, drop } = await backend.open();
    ctx.drop = drop;
    ctx.forum = await createForumApp({ publicUrl: PUBLIC_URL, sessionSecret: 'throttle', ...config });
  });
  afterAll(async () => {
    await ctx.forum?.close();
    await ctx.drop?.();
  });
  return ctx;
}

/** An agent with the login page open: its form (and CSRF token) can be sent any number of times. */
async function loginForm(forum: ForumApp): Promise<{ agent: Agent; send: (username: string, password: string) => Promise<request.Response> }> {
  const agent = request.agent(forum.app);
  const page = await agent.get('/login').expect(200);
  return { agent, send: (username, password) => submitForm(agent, PUBLIC_URL, page.text, '/login', { username, password }) };
}

const memoryAndRedis = BACKENDS.filter((b) => b.name === 'SQLite' || b.name === 'SQLite with codes and tokens in Redis');

for (const backend of memoryAndRedis) {
  describeIf(backend.available)(`login throttling on ${backend.name}`, () => {
    const ctx = forumOn(backend);

    it(`answers ${PER_ADDRESS} of 100 concurrent wrong passwords and refuses the rest with 429 and Retry-After`, async () => {
      const { send } = await loginForm(ctx.forum);
      const answers = await Promise.all(Array.from({ length: 100 }, () => send('mallory', 'wrong')));
      const statuses = answers.map((res) => res.status);
      expect(statuses.filter((s) => s === 401)).toHaveLength(PER_ADDRESS);
      expect(statuses.filter((s) => s === 429)).toHaveLength(100 - PER_ADDRESS);
      for (const res of answers.filter((r) => r.status === 429)) {
        const retryAfter = Number(res.headers['retry-after']);
        expect(retryAfter).toBeGreaterThan(0);
        expect(retryAfter).toBeLessThanOrEqual(LOGIN_LIMITS.perUserAndAddress.duration);
        expect(res.text).toContain('Too many failed logins for this account. Try again in 15 minutes.');
      }
      // The right password is refused too while the count is over: the guesser learns nothing.
      expect((await send('Mallory ', 'mallory-password')).status).toBe(429);
    });

    it('starts the count from this address over after a successful login', async () => {
      const { send } = await loginForm(ctx.forum);
      for (let i = 0; i < PER_ADDRESS - 1; i += 1) expect((await send('bob', 'wrong')).status).toBe(401);
      expect((await send('bob', 'bob-password')).status).toBe(303);
      const again = await loginForm(ctx.forum);
      for (let i = 0; i < PER_ADDRESS; i += 1) expect((await again.send('bob', 'wrong')).status).toBe(401);
      expect((await again.send('bob', 'wrong')).status).toBe(429);
    });
  });
}

describeIf(has.redis)('login throttling when Redis fails', () => {
  const ctx = forumOn(BACKENDS.find((b) => b.name === 'SQLite with codes and tokens in Redis')!);

  it('answers 503, and checks no password, while the count cannot be kept', async () => {
    const { send } = await loginForm(ctx.forum);
    ctx.forum.storage.redis!.disconnect();
    const res = await send('alice', 'alice-password');
    expect(res.status).toBe(503);
    expect(res.headers['set-cookie']).toBeUndefined();
  });
});

describe('loginThrottle', () => {
  const stores: Array<[string, () => Redis | null]> = [['memory', () => null]];
  if (has.redis) stores.push(['Redis', () => new Redis(REDIS_URL)]);

  it.each(stores)('limits one username from many addresses (%s)', async (_name, connect) => {
    const redis = connect();
    try {
      const throttle = loginThrottle(redis, `${uniquePrefix('login')}:`);
      for (let i = 0; i < LOGIN_LIMITS.perUser.points; i += 1) expect(await throttle.attempt('Carol', `10.0.0.${i}`)).toBeNull();
      const wait = await throttle.attempt('carol', '10.0.1.1');
      expect(wait).toBeGreaterThan(0);
      expect(wait).toBeLessThanOrEqual(LOGIN_LIMITS.perUser.duration);
      // Another username is not affected.
      expect(await throttle.attempt('dave', '10.0.1.1')).toBeNull();
    } finally {
      redis?.disconnect();
    }
  });

  it('rejects, rather than allowing, when Redis cannot be reached', async () => {
    const redis = new Redis({ ...recommendedRedisOptions, host: '127.0.0.1', port: 1 });
    redis.on('error', () => undefined);
    try {
      await expect(loginThrottle(redis, 'x:').attempt('alice', '10.0.0.1')).rejects.toThrow();
    } finally {
      redis.disconnect();
    }
  });
});
