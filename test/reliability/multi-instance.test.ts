import Redis from 'ioredis';
import knexFactory, { type Knex } from 'knex';
import request from 'supertest';
import { knexClientStore, migrate } from '../../adapters/knex';
import { recommendedRedisOptions, redisTokenStore } from '../../adapters/redis';
import { basic, callApi, createFixture, exchange, getCode, type Fixture } from '../support/provider-fixture';
import { describeIf, has, POSTGRES_CONNECTION, REDIS_URL, uniquePrefix } from '../support/services';

/**
 * Several app instances behind a load balancer: two providers, each with its own Redis and
 * PostgreSQL connections, sharing one Redis and one database. Whatever one instance writes,
 * the other sees on its next request.
 */
describeIf(has.redis && has.postgres)('two provider instances on one Redis and one PostgreSQL', () => {
  const schema = uniquePrefix('multi');
  const prefix = `${uniquePrefix('multi')}:`;
  const admin = knexFactory({ client: 'pg', connection: POSTGRES_CONNECTION });
  const connections: Array<{ redis: Redis; knex: Knex }> = [];
  let a: Fixture;
  let b: Fixture;

  async function instanceStores() {
    const redis = new Redis(REDIS_URL, recommendedRedisOptions);
    redis.on('error', () => { /* a site logs these; the test only needs the process to survive */ });
    const knex = knexFactory({ client: 'pg', connection: POSTGRES_CONNECTION, searchPath: [schema] });
    connections.push({ redis, knex });
    return { clients: knexClientStore(knex), tokens: redisTokenStore(redis, { prefix }) };
  }

  beforeAll(async () => {
    await admin.raw('create schema ??', [schema]);
    const first = await instanceStores();
    await migrate(connections[0]!.knex);
    a = await createFixture({ rateLimit: false }, first);
    b = await createFixture({ rateLimit: false }, await instanceStores());
  });

  afterAll(async () => {
    for (const { redis, knex } of connections) {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
      await knex.destroy();
    }
    await admin.raw('drop schema ?? cascade', [schema]);
    await admin.destroy();
  });

  it('redeems at B a code that A issued, and B serves the token A registered the client for', async () => {
    const code = await getCode(a, a.conf);
    const token = await exchange(b, a.conf, code);
    expect(token.status).toBe(200);
    expect((await callApi(a, token.body.access_token)).status).toBe(200);
    expect((await callApi(b, token.body.access_token)).status).toBe(200);
  });

  it('refuses at A, on the next request, a token revoked at B', async () => {
    const code = await getCode(a, a.conf);
    const { body } = await exchange(a, a.conf, code);
    expect((await callApi(a, body.access_token)).status).toBe(200);
    const revoked = await request(b.app).post('/oauth/revoke').set('Authorization', basic(a.conf.id, a.conf.secret!)).type('form')
      .send({ token: body.refresh_token });
    expect(revoked.status).toBe(200);
    const refused = await callApi(a, body.access_token);
    expect(refused.status).toBe(401);
    expect(refused.headers['www-authenticate']).toContain('error="invalid_token"');
  });

  it('stops at B the tokens of a client suspended at A', async () => {
    const code = await getCode(a, a.conf);
    const { body } = await exchange(b, a.conf, code);
    await a.oauth.clients.suspend(a.conf.id);
    expect((await callApi(b, body.access_token)).status).toBe(401);
    const refused = await request(b.app).post('/oauth/token').set('Authorization', basic(a.conf.id, a.conf.secret!)).type('form')
      .send({ grant_type: 'refresh_token', refresh_token: body.refresh_token });
    expect(refused.status).toBe(401);
  });
});
