import knexFactory, { type Knex } from 'knex';
import Redis from 'ioredis';
import { knexTokenStore, migrate } from '../../adapters/knex';
import { redisTokenStore } from '../../adapters/redis';
import type { TokenStore } from '../../src/storage/token-store';
import { fromNow, makeAccessToken, makeCode, makeGrant, makeRefreshToken } from '../../src/testing/fixtures';
import { describeIf, has, POSTGRES_CONNECTION, REDIS_URL, uniquePrefix } from '../support/services';

/**
 * What the token endpoint's writes cost the stores, counted: a code exchange and a refresh are one
 * Redis round trip each (the grant indexes are not rewritten), and one SQL transaction of the
 * fewest statements.
 */

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** A grant as consent leaves it (a code waiting), and what its exchange saves. */
async function consented(store: TokenStore) {
  const grant = makeGrant({ createdAt: new Date(), expiresAt: fromNow(5 * MINUTE) });
  expect(await store.saveGrant(grant)).toBe(true);
  const code = makeCode(grant, { expiresAt: fromNow(5 * MINUTE) });
  await store.saveCode(code);
  const exchanged = { ...grant, expiresAt: fromNow(30 * DAY) };
  const refresh = makeRefreshToken(exchanged, { expiresAt: fromNow(30 * DAY) });
  return { grant: exchanged, code, access: makeAccessToken(exchanged, { expiresAt: fromNow(60 * MINUTE) }), refresh };
}

describeIf(has.redis)('Redis round trips of the token endpoint writes', () => {
  const prefix = `${uniquePrefix('trips')}:`;
  const redis = new Redis(REDIS_URL);
  const store = redisTokenStore(redis, { prefix });
  const sent: string[] = [];
  const send = redis.sendCommand.bind(redis);
  redis.sendCommand = ((command: { name: string }) => {
    sent.push(command.name);
    return send(command as Parameters<typeof send>[0]);
  }) as typeof redis.sendCommand;
  const counted = async <T>(work: () => Promise<T>): Promise<{ result: T; commands: string[] }> => {
    sent.length = 0;
    const result = await work();
    return { result, commands: [...sent] };
  };

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('a code exchange is one script, writing neither grant index (consent indexed the grant past the refresh lifetime)', async () => {
    const { grant, code, access, refresh } = await consented(store);
    await counted(() => store.getGrant(grant.id)); // scripts loaded on this connection
    const exchange = await counted(() => store.redeemCode!(code.hash, grant, access, refresh));
    expect(exchange.result).toBe('saved');
    expect(exchange.commands).toEqual(['evalsha']);
    expect((await store.listGrants({ userId: grant.userId! })).map((g) => g.id)).toContain(grant.id);
  });

  it('a refresh is one script; one that moves the expiry past the indexed day rewrites both indexes', async () => {
    const { grant, code, access, refresh } = await consented(store);
    await store.redeemCode!(code.hash, grant, access, refresh);
    const next = { ...grant, expiresAt: fromNow(30 * DAY + MINUTE) };
    const nextRefresh = makeRefreshToken(next, { expiresAt: next.expiresAt });
    const rotated = await counted(() => store.rotateRefreshToken!(refresh.hash, next, makeAccessToken(next), nextRefresh));
    expect(rotated).toEqual({ result: 'saved', commands: ['evalsha'] });
    const farther = { ...grant, expiresAt: fromNow(33 * DAY) };
    const crossing = await counted(() => store.rotateRefreshToken!(nextRefresh.hash, farther, makeAccessToken(farther),
      makeRefreshToken(farther, { expiresAt: farther.expiresAt })));
    expect(crossing).toEqual({ result: 'saved', commands: ['evalsha', 'evalsha', 'evalsha'] });
  });
});

describeIf(has.postgres)('SQL statements of the token endpoint writes (PostgreSQL)', () => {
  const schema = uniquePrefix('trips_pg');
  let db: Knex;
  let store: TokenStore;
  const statements: string[] = [];

  beforeAll(async () => {
    db = knexFactory({ client: 'pg', connection: POSTGRES_CONNECTION, searchPath: [schema], pool: { min: 0, max: 4 } });
    await db.raw('CREATE SCHEMA ??', [schema]);
    await migrate(db);
    store = knexTokenStore(db);
    db.on('query', (q: { sql: string }) => statements.push(q.sql.split(' ')[0]!.toUpperCase()));
  });
  afterAll(async () => {
    await db.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [schema]);
    await db.destroy();
  });

  it('a code exchange is one transaction: spend the code, move the grant\'s expiry, insert the two tokens', async () => {
    const { grant, code, access, refresh } = await consented(store);
    statements.length = 0;
    expect(await store.redeemCode!(code.hash, grant, access, refresh)).toBe('saved');
    expect(statements).toEqual(['BEGIN;', 'UPDATE', 'UPDATE', 'INSERT', 'INSERT', 'COMMIT;']);
  });

  it('a refresh is the same one transaction', async () => {
    const { grant, code, access, refresh } = await consented(store);
    await store.redeemCode!(code.hash, grant, access, refresh);
    statements.length = 0;
    const next = { ...grant, expiresAt: fromNow(31 * DAY) };
    expect(await store.rotateRefreshToken!(refresh.hash, next, makeAccessToken(next), makeRefreshToken(next, { expiresAt: next.expiresAt }))).toBe('saved');
    expect(statements).toEqual(['BEGIN;', 'UPDATE', 'UPDATE', 'INSERT', 'INSERT', 'COMMIT;']);
  });
});
