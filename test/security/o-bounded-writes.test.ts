import { afterAll, describe, expect, it } from '@jest/globals';
import Redis from 'ioredis';
import knexFactory, { type Knex } from 'knex';
import request from 'supertest';
import { memoryTokenStore } from '../../adapters/memory';
import { knexTokenStore, migrate, rollback } from '../../adapters/knex';
import { tableNames } from '../../adapters/knex/schema';
import { recommendedRedisOptions, redisTokenStore } from '../../adapters/redis';
import type { TokenStore } from '../../src/storage/token-store';
import { asUser, authorizeQuery, createFixture } from '../support/provider-fixture';
import { describeIf, has, POSTGRES_CONNECTION, REDIS_URL, uniquePrefix } from '../support/services';

/**
 * Endpoints that store something for a caller who proves nothing (a public client's device
 * authorization, a consent or device page) are bounded: per address + client or per user, and
 * site-wide. A flood gets 429 and the store stops growing, whichever adapter holds the records:
 * counted here in the store itself (keys in Redis, rows in SQL, and for every adapter the writes
 * that reached it).
 */
const PER_KEY = 3 * 2; // `failures` 2 → 6 pages or device authorizations per user or per address + client
const CEILING = 15;

interface Backend {
  tokens: TokenStore;
  /** Device authorizations and consent transactions actually stored, where the adapter can tell. */
  stored?: () => Promise<{ devices: number; transactions: number }>;
}

/** Counts the writes that reach the adapter, whichever it is. */
function counting(tokens: TokenStore): { tokens: TokenStore; writes: { devices: number; transactions: number } } {
  const writes = { devices: 0, transactions: 0 };
  return {
    writes,
    tokens: {
      ...tokens,
      saveDeviceAuthorization: async (record) => { await tokens.saveDeviceAuthorization(record); writes.devices += 1; },
      saveAuthorizationRequest: async (record) => { await tokens.saveAuthorizationRequest(record); writes.transactions += 1; },
    },
  };
}

function floodSuite(label: string, backend: () => Promise<Backend>) {
  it(`${label}: a flood of device authorizations and pages gets 429 and the store stops growing`, async () => {
    const { tokens: raw, stored } = await backend();
    const { tokens, writes } = counting(raw);
    const f = await createFixture({ rateLimit: { failures: 2, windowSeconds: 60, maxPending: CEILING } }, { tokens });
    f.app.set('trust proxy', 1);

    // One address, one public client: the per-key cap.
    const fromOne = await Promise.all(Array.from({ length: 30 }, () => request(f.app).post('/oauth/device_authorization')
      .set('X-Forwarded-For', '203.0.113.1').type('form').send({ client_id: f.pub.id, scope: 'read' })));
    expect(fromOne.filter((r) => r.status === 200)).toHaveLength(PER_KEY);
    // Many addresses: the site-wide ceiling.
    const fromMany = await Promise.all(Array.from({ length: 40 }, (_, i) => request(f.app).post('/oauth/device_authorization')
      .set('X-Forwarded-For', `198.51.100.${i + 1}`).type('form').send({ client_id: f.pub.id, scope: 'read' })));
    expect(fromMany.filter((r) => r.status === 200)).toHaveLength(CEILING - PER_KEY);
    expect([...fromOne, ...fromMany].every((r) => r.status === 200 || r.status === 429)).toBe(true);
    expect(writes.devices).toBe(CEILING);

    // Consent pages: per user, then the ceiling across users.
    const pages = await Promise.all(['alice', 'bob', 'carol', 'dave'].flatMap((user) => Array.from({ length: 10 }, () =>
      request(f.app).get(`/oauth/authorize?${authorizeQuery(f.conf)}`).set('Cookie', asUser(user)))));
    expect(pages.filter((r) => r.status === 200)).toHaveLength(CEILING);
    expect(pages.every((r) => r.status === 200 || r.status === 429)).toBe(true);
    expect(writes.transactions).toBe(CEILING);

    if (stored) expect(await stored()).toEqual({ devices: CEILING, transactions: CEILING });
  });
}

describe('bounded writes', () => {
  floodSuite('memory', async () => ({ tokens: memoryTokenStore() }));

  const redisClients: Redis[] = [];
  const knexes: Array<{ knex: Knex; tablePrefix: string }> = [];
  afterAll(async () => {
    for (const redis of redisClients) {
      const keys = await redis.keys(`${(redis as Redis & { testPrefix: string }).testPrefix}*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
    }
    for (const { knex, tablePrefix } of knexes) {
      await rollback(knex, { tablePrefix });
      await knex.destroy();
    }
  });

  describeIf(has.redis)('on Redis', () => {
    floodSuite('redis', async () => {
      const prefix = `${uniquePrefix('bw')}:`;
      const redis = Object.assign(new Redis(REDIS_URL, recommendedRedisOptions), { testPrefix: prefix });
      redis.on('error', () => undefined);
      redisClients.push(redis);
      // No offline queue (the recommended options): commands before the connection would fail.
      await new Promise<void>((resolve) => redis.once('ready', () => resolve()));
      const count = async (pattern: string) => (await redis.keys(`${prefix}${pattern}`)).length;
      return {
        tokens: redisTokenStore(redis, { prefix }),
        stored: async () => ({ devices: await count('{*}:d:*'), transactions: await count('q:*') }),
      };
    });
  });

  const sqlBackend = (connect: () => Knex) => async (): Promise<Backend> => {
    const knex = connect();
    const tablePrefix = `${uniquePrefix('bw')}_`;
    knexes.push({ knex, tablePrefix });
    await migrate(knex, { tablePrefix });
    const names = tableNames({ tablePrefix });
    const rows = async (table: string) => Number((await knex(table).count({ n: '*' }))[0]?.n);
    return {
      tokens: knexTokenStore(knex, { tablePrefix }),
      stored: async () => ({ devices: await rows(names.deviceAuthorizations), transactions: await rows(names.authorizationRequests) }),
    };
  };
  floodSuite('knex/sqlite', sqlBackend(() => knexFactory({ client: 'better-sqlite3', connection: { filename: ':memory:' }, useNullAsDefault: true })));
  describeIf(has.postgres)('on PostgreSQL', () => {
    floodSuite('knex/postgres', sqlBackend(() => knexFactory({ client: 'pg', connection: POSTGRES_CONNECTION })));
  });
});
