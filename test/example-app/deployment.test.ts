import { afterAll, describe, expect, it } from '@jest/globals';
import Redis from 'ioredis';
import request from 'supertest';
import { createForumApp, type ForumApp } from '../../example-app/app';
import { configFromEnv } from '../../example-app/config';
import { BACKENDS } from './backends';
import { describeIf, REDIS_URL } from '../support/services';

/** The example forum deployed behind a proxy, with its limits shared through Redis. */
describe('the example forum behind a proxy', () => {
  it('reads TRUST_PROXY as a hop count or loopback, and refuses `true`', () => {
    expect(configFromEnv({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(configFromEnv({ TRUST_PROXY: 'loopback' }).trustProxy).toBe('loopback');
    expect(configFromEnv({}).trustProxy).toBeUndefined();
    expect(() => configFromEnv({ TRUST_PROXY: 'true' })).toThrow(/TRUST_PROXY must be the number of proxies/);
  });

  const redisBackend = BACKENDS.find((b) => b.name.includes('Redis'))!;
  describeIf(redisBackend.available)('with REDIS_URL', () => {
    let forum: ForumApp;
    let drop: () => Promise<void>;
    let prefix: string;
    afterAll(async () => {
      await forum?.close();
      await drop?.();
    });

    it('keeps the rate-limit counts in Redis, per client address behind TRUST_PROXY hops', async () => {
      const opened = await redisBackend.open();
      drop = opened.drop;
      prefix = opened.config.redisKeyPrefix!;
      forum = await createForumApp({ ...opened.config, publicUrl: 'http://127.0.0.1:3000', trustProxy: 1 });
      const junk = (ip: string) => request(forum.app).post('/oauth/token').set('X-Forwarded-For', ip).type('form').send({ grant_type: 'x' });
      for (let i = 0; i < 20; i += 1) expect((await junk('203.0.113.5')).status).toBe(401);
      expect((await junk('203.0.113.5')).status).toBe(429);
      // Another visitor behind the same proxy has their own count.
      expect((await junk('198.51.100.5')).status).toBe(401);
      const redis = new Redis(REDIS_URL);
      try {
        expect((await redis.keys(`${prefix}rl:*`)).length).toBeGreaterThan(0);
      } finally {
        redis.disconnect();
      }
    });
  });
});
