/**
 * Key rotation as a relying party sees it: two instances of the site on one Redis key store, a
 * client that keeps the JWKS exactly as long as Cache-Control allows and never refetches on an
 * unknown kid. Over three rotations, every ID token from either instance verifies at once, and
 * again just before it expires.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import Redis from 'ioredis';
import request from 'supertest';
import { redisKeyStore } from '../../adapters/redis';
import { memoryClientStore, memoryTokenStore } from '../../adapters/memory';
import { loadJose } from '../../src/keys/jose';
import type { KeyStore } from '../../src/storage';
import { useFakeClock } from '../support/fake-clock';
import { ISSUER } from '../support/provider-fixture';
import { createOpenIdFixture, KEY_SECRET, signIn, type OpenIdFixture } from '../support/openid-fixture';
import { describeIf, has, REDIS_URL, uniquePrefix } from '../support/services';

const clock = useFakeClock();
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describeIf(has.redis)('ID-token keys rotating across two instances on one Redis', () => {
  const prefix = `${uniquePrefix('oidc-rotation')}:`;
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    await redis.del(`${prefix}{keys}`);
    await redis.quit();
  });

  it('no verification fails at any moment for a client caching the JWKS per Cache-Control', async () => {
    const store: KeyStore = redisKeyStore(redis, { prefix });
    const keys = { store, secret: KEY_SECRET, rotateEvery: 6 * HOUR, publishAhead: 2 * HOUR, keepAfterRetiring: 2 * HOUR, cacheFor: MINUTE };
    const shared = { clients: memoryClientStore(), tokens: memoryTokenStore() };
    const a = await createOpenIdFixture({}, { keys }, shared);
    const b = await createOpenIdFixture({}, { keys }, shared);
    const instances = [a, b];
    // Both instances serve the same client: the one registered through a.
    const through = (f: OpenIdFixture): OpenIdFixture => ({ ...a, app: f.app });
    const { createLocalJWKSet, jwtVerify, decodeProtectedHeader } = await loadJose();

    let cached: { jwks: Parameters<typeof createLocalJWKSet>[0]; until: number } | null = null;
    let fetches = 0;
    const clientJwks = async (from: OpenIdFixture) => {
      if (cached === null || Date.now() >= cached.until) {
        const res = await request(from.app).get('/oauth/jwks');
        const maxAge = Number(/max-age=(\d+)/.exec(res.headers['cache-control'] ?? '')?.[1]);
        expect(maxAge).toBeGreaterThan(0);
        cached = { jwks: res.body, until: Date.now() + maxAge * 1000 };
        fetches += 1;
      }
      return createLocalJWKSet(cached.jwks);
    };
    const verify = async (token: string, jwks: ReturnType<typeof createLocalJWKSet>) =>
      (await jwtVerify(token, jwks, { issuer: ISSUER, audience: a.rp.id, currentDate: new Date(Date.now()) })).payload;

    const kids = new Set<string>();
    const pending: Array<{ token: string; expiresAt: number }> = [];
    // Every 20 minutes for 20 hours: three rotations and more, each instance taking turns.
    for (let step = 0; step < 60; step += 1) {
      const signer = instances[step % 2]!;
      const reader = instances[(step + 1) % 2]!;
      const { id_token } = await signIn(through(signer), { scope: 'openid' });
      kids.add(decodeProtectedHeader(id_token).kid!);
      const payload = await verify(id_token, await clientJwks(reader));
      pending.push({ token: id_token, expiresAt: payload.exp! * 1000 });
      clock.advance(20 * 60);
      // A token about to expire still verifies against what the client holds now.
      for (const old of pending.filter((p) => p.expiresAt > Date.now() && p.expiresAt - Date.now() <= 20 * MINUTE)) {
        await verify(old.token, await clientJwks(reader));
      }
    }
    expect(kids.size).toBeGreaterThanOrEqual(4);
    expect(fetches).toBeGreaterThan(3);
    // Both instances publish the same set.
    const [ja, jb] = await Promise.all(instances.map((f) => request(f.app).get('/oauth/jwks')));
    expect(ja!.body).toEqual(jb!.body);
  });
});
