/** Several instances of the site on one key store agree on the keys, whoever makes them. */
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import Redis from 'ioredis';
import { memoryKeyStore } from '../../adapters/memory';
import { redisKeyStore } from '../../adapters/redis';
import { createSigningKeys } from '../../src/keys/signing-keys';
import type { KeyStore } from '../../src/storage';
import { describeIf, has, REDIS_URL, uniquePrefix } from '../support/services';
import { DAY, fakeClock, HOUR, SECRET, sign, verify } from './support';

const ROTATE = 30 * DAY;

function sharedStoreTests(makeStore: () => KeyStore) {
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('serves the same JWKS and signs with the same kid on every instance, even when they start together', async () => {
    const clock = fakeClock(900 * ROTATE + HOUR);
    const store = makeStore();
    const [a, b, c] = [0, 1, 2].map(() => createSigningKeys({ store, secret: SECRET }));
    const [jwksA, jwksB, keyC] = await Promise.all([a!.jwks(), b!.jwks(), c!.signingKey('RS256')]);
    expect(jwksA).toEqual(jwksB);
    expect(jwksA.keys).toHaveLength(2);
    expect((await a!.signingKey('RS256')).kid).toBe(keyC.kid);
    expect((await b!.signingKey('ES256')).kid).toBe((await c!.signingKey('ES256')).kid);

    // The next keys, made by whichever instance gets there first, published by all.
    clock.set(901 * ROTATE - DAY);
    const [nextA, nextB] = await Promise.all([a!.jwks(), b!.jwks()]);
    expect(nextA).toEqual(nextB);
    expect(nextA.keys).toHaveLength(4);
    clock.set(901 * ROTATE);
    const signer = await c!.signingKey('ES256');
    expect((await a!.signingKey('ES256')).kid).toBe(signer.kid);
    expect(await verify(await sign(signer, HOUR), await b!.jwks())).toEqual(expect.objectContaining({ iat: expect.any(Number) }));
  });
}

describe('signing keys shared through a memory store', () => {
  sharedStoreTests(() => memoryKeyStore());
});

describeIf(has.redis)('signing keys shared through Redis', () => {
  const prefix = `${uniquePrefix('keys')}:`;
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    await redis.del(`${prefix}{keys}`);
    await redis.quit();
  });

  sharedStoreTests(() => redisKeyStore(redis, { prefix }));
});
