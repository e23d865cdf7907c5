import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { memoryKeyStore } from '../../adapters/memory';
import { loadJose } from '../../src/keys/jose';
import { createSigningKeys } from '../../src/keys/signing-keys';
import type { KeyStore } from '../../src/storage';
import { DAY, fakeClock, HOUR, MINUTE, SECRET, sign, verify } from './support';

const ROTATE = 30 * DAY;
const PUBLISH_AHEAD = 2 * DAY;
const KEEP = 2 * DAY;
/** Ten hours into a generation, on a fresh store. */
const START = 700 * ROTATE + 10 * HOUR;
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi'];

const kidsOf = async (keys: ReturnType<typeof createSigningKeys>) => (await keys.jwks()).keys.map((k) => k.kid).sort();

describe('createSigningKeys', () => {
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('makes one key per algorithm on first use, signing from then until the end of its generation', async () => {
    fakeClock(START);
    const store = memoryKeyStore();
    const keys = createSigningKeys({ store, secret: SECRET });
    await keys.signingKey('RS256');
    const stored = await store.listSigningKeys();
    expect(stored.map((k) => k.alg).sort()).toEqual(['ES256', 'RS256']);
    for (const key of stored) {
      expect(key.generation).toBe(700);
      expect(key.activatesAt.getTime()).toBe(START);
      expect(key.retiresAt.getTime()).toBe(701 * ROTATE);
      expect(key.expiresAt.getTime()).toBe(701 * ROTATE + KEEP);
    }
    expect(await kidsOf(keys)).toEqual(stored.map((k) => k.kid).sort());
  });

  it('publishes public keys only, each with kid, alg and use', async () => {
    fakeClock(START);
    const { keys } = await createSigningKeys({ store: memoryKeyStore(), secret: SECRET }).jwks();
    expect(keys).toHaveLength(2);
    for (const key of keys) {
      expect(key).toEqual(expect.objectContaining({ kid: expect.any(String), alg: expect.any(String), use: 'sig' }));
      for (const member of PRIVATE_MEMBERS) expect(key).not.toHaveProperty(member);
    }
  });

  it('signs JWTs that verify against its JWKS, with either algorithm', async () => {
    fakeClock(START);
    const keys = createSigningKeys({ store: memoryKeyStore(), secret: SECRET });
    for (const alg of ['RS256', 'ES256'] as const) {
      const token = await sign(await keys.signingKey(alg), HOUR, { sub: alg });
      expect((await verify(token, await keys.jwks())).sub).toBe(alg);
    }
  });

  it('keeps only the algorithms asked for', async () => {
    fakeClock(START);
    const store = memoryKeyStore();
    const keys = createSigningKeys({ store, secret: SECRET, algorithms: ['ES256'] });
    expect((await keys.jwks()).keys.map((k) => k.alg)).toEqual(['ES256']);
    await expect(keys.signingKey('RS256')).rejects.toThrow('no keys are kept for RS256');
  });

  it('publishes the next key publishAhead before it signs, and signs with it from the start of its generation', async () => {
    const clock = fakeClock(START);
    const keys = createSigningKeys({ store: memoryKeyStore(), secret: SECRET, algorithms: ['ES256'] });
    const first = await keys.signingKey('ES256');
    clock.set(701 * ROTATE - PUBLISH_AHEAD - MINUTE);
    expect(await kidsOf(keys)).toEqual([first.kid]);
    clock.set(701 * ROTATE - PUBLISH_AHEAD);
    const published = await kidsOf(keys);
    expect(published).toHaveLength(2);
    expect((await keys.signingKey('ES256')).kid).toBe(first.kid);
    clock.set(701 * ROTATE - 1);
    expect((await keys.signingKey('ES256')).kid).toBe(first.kid);
    clock.set(701 * ROTATE);
    const next = await keys.signingKey('ES256');
    expect(next.kid).not.toBe(first.kid);
    expect(published).toContain(next.kid);
  });

  it('signs with a key another instance has just made, though this clock is a few seconds behind', async () => {
    const clock = fakeClock(START);
    const store = memoryKeyStore();
    const made = await createSigningKeys({ store, secret: SECRET }).signingKey('ES256');
    clock.set(START - 5000);
    expect((await createSigningKeys({ store, secret: SECRET }).signingKey('ES256')).kid).toBe(made.kid);
  });

  it('keeps a retired key in the JWKS until retiresAt + keepAfterRetiring', async () => {
    const clock = fakeClock(START);
    const keys = createSigningKeys({ store: memoryKeyStore(), secret: SECRET, algorithms: ['RS256'] });
    const first = await keys.signingKey('RS256');
    clock.set(701 * ROTATE + KEEP - 1);
    expect(await kidsOf(keys)).toContain(first.kid);
    clock.set(701 * ROTATE + KEEP);
    expect(await kidsOf(keys)).not.toContain(first.kid);
    expect(await kidsOf(keys)).toHaveLength(1);
  });

  it('reuses what it read for cacheFor, then reads the store again', async () => {
    const clock = fakeClock(START);
    const store = memoryKeyStore();
    const list = jest.spyOn(store, 'listSigningKeys');
    const keys = createSigningKeys({ store, secret: SECRET, cacheFor: 30_000 });
    await Promise.all([keys.jwks(), keys.signingKey('RS256'), keys.signingKey('ES256')]);
    const reads = list.mock.calls.length;
    clock.advance(29_999);
    await keys.jwks();
    expect(list.mock.calls.length).toBe(reads);
    clock.advance(1);
    await keys.jwks();
    expect(list.mock.calls.length).toBe(reads + 1);
  });

  it('keeps the private keys encrypted in the store, and a manager with another secret fails clearly', async () => {
    fakeClock(START);
    const store = memoryKeyStore();
    await createSigningKeys({ store, secret: SECRET }).signingKey('ES256');
    const { decodeProtectedHeader } = await loadJose();
    for (const key of await store.listSigningKeys()) {
      expect(key.privateKey.split('.')).toHaveLength(5);
      expect(decodeProtectedHeader(key.privateKey)).toEqual(expect.objectContaining({ alg: 'PBES2-HS512+A256KW', enc: 'A256GCM' }));
      expect(key.privateKey).not.toContain('"d"');
      for (const member of PRIVATE_MEMBERS) expect(key.publicJwk).not.toHaveProperty(member);
    }
    const intruder = createSigningKeys({ store, secret: `another ${SECRET}` });
    await expect(intruder.signingKey('ES256')).rejects.toThrow('could not be decrypted: it was encrypted with another secret');
  });

  it('answers unavailable (rejects) while the store throws, and recovers after', async () => {
    fakeClock(START);
    const store = memoryKeyStore();
    const failing: KeyStore = { ...store, listSigningKeys: () => Promise.reject(new Error('store down')) };
    const broken = createSigningKeys({ store: failing, secret: SECRET });
    await expect(broken.jwks()).rejects.toThrow('store down');
    const keys = createSigningKeys({ store, secret: SECRET });
    expect((await keys.jwks()).keys).toHaveLength(2);
  });

  describe('options', () => {
    const store = memoryKeyStore();
    it.each([
      [{ secret: 'too short' }, 'at least 32 characters'],
      [{ rotateEvery: DAY, publishAhead: DAY }, 'publishAhead (86400000 ms) must be shorter than rotateEvery'],
      [{ publishAhead: HOUR, cacheFor: HOUR }, 'cacheFor (3600000 ms) must be shorter than publishAhead'],
      [{ publishAhead: HOUR, cacheFor: MINUTE, jwksMaxAge: HOUR }, 'jwksMaxAge (3600000 ms) must be at most publishAhead − cacheFor'],
      [{ rotateEvery: 1.5 }, 'rotateEvery must be a whole number'],
      [{ algorithms: ['HS256'] }, 'algorithms must be one or more of RS256, ES256'],
      [{ algorithms: [] }, 'algorithms must be one or more'],
    ])('refuses %j', (options, message) => {
      expect(() => createSigningKeys({ store, secret: SECRET, ...options } as never)).toThrow(message);
    });

    it('says in Cache-Control a max-age of a day by default, shorter when publishAhead is', () => {
      expect(createSigningKeys({ store, secret: SECRET }).cacheControl).toBe('public, max-age=86400');
      expect(createSigningKeys({ store, secret: SECRET, publishAhead: HOUR }).cacheControl).toBe('public, max-age=3540');
    });
  });
});
