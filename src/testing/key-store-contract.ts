/**
 * The KeyStore contract: every guarantee documented on `KeyStore` (src/storage/key-store.ts), as
 * jest tests an adapter author runs against a real server:
 *
 *   runKeyStoreContract('redis', () => redisKeyStore(redis), { teardown: () => redis.quit() });
 *
 * One store instance serves the whole suite and is never cleared: each test draws keys of random
 * generations and looks only at those among what the store lists. Expiry is tested with
 * `Date.now` moved forward, never by sleeping. The keys carry random text for their key material.
 */
import { describe, expect, it } from '@jest/globals';
import { KEY_STORE_METHODS, type KeyStore, type SigningKeyRecord } from '../storage/key-store';
import { makeSigningKey } from './fixtures';
import { storeUnderTest, type ContractOptions } from './store-under-test';
import { HOUR, later, trues } from './token-store-contract/support';

export function runKeyStoreContract(
  label: string,
  makeStore: () => KeyStore | Promise<KeyStore>,
  options: ContractOptions = {},
): void {
  describe(`${label} KeyStore contract`, () => {
    const store = storeUnderTest(makeStore, options, KEY_STORE_METHODS);

    /** The listed keys of these generations, in a stable order. */
    async function listed(...generations: number[]): Promise<SigningKeyRecord[]> {
      return (await store.listSigningKeys()).filter((key) => generations.includes(key.generation))
        .sort((a, b) => a.alg.localeCompare(b.alg) || a.kid.localeCompare(b.kid));
    }

    it('lists an added key with every field intact, its times as Dates', async () => {
      const ec = makeSigningKey({ alg: 'ES256' });
      const rsa = makeSigningKey({ alg: 'RS256' });
      expect(await store.addSigningKey(ec)).toBe(true);
      expect(await store.addSigningKey(rsa)).toBe(true);
      const [foundEc] = await listed(ec.generation);
      expect(foundEc).toEqual(ec);
      expect(await listed(rsa.generation)).toEqual([rsa]);
      for (const field of ['createdAt', 'activatesAt', 'retiresAt', 'expiresAt'] as const) {
        expect(foundEc?.[field]).toBeInstanceOf(Date);
      }
    });

    it('adds only once per algorithm and generation: a second add returns false and the first key stays', async () => {
      const first = makeSigningKey({ alg: 'RS256' });
      const second = makeSigningKey({ alg: 'RS256', generation: first.generation, expiresAt: new Date(first.expiresAt.getTime() + HOUR) });
      expect(await store.addSigningKey(first)).toBe(true);
      expect(await store.addSigningKey(second)).toBe(false);
      expect(await store.addSigningKey(first)).toBe(false);
      expect(await listed(first.generation)).toEqual([first]);
    });

    it('keeps keys of one generation and different algorithms side by side', async () => {
      const rsa = makeSigningKey({ alg: 'RS256' });
      const ec = makeSigningKey({ alg: 'ES256', generation: rsa.generation });
      expect(await store.addSigningKey(rsa)).toBe(true);
      expect(await store.addSigningKey(ec)).toBe(true);
      expect(await listed(rsa.generation)).toEqual([ec, rsa]);
    });

    it('stops listing a key once its expiresAt has passed, and keeps listing the others', async () => {
      const short = makeSigningKey({ expiresAt: new Date(Date.now() + HOUR) });
      const long = makeSigningKey({ expiresAt: new Date(Date.now() + 3 * HOUR) });
      expect(await store.addSigningKey(short)).toBe(true);
      expect(await store.addSigningKey(long)).toBe(true);
      expect(await listed(short.generation, long.generation)).toHaveLength(2);
      const afterTwoHours = await later(2 * HOUR, () => store.listSigningKeys());
      expect(afterTwoHours.filter((key) => [short.generation, long.generation].includes(key.generation))).toEqual([long]);
    });

    it('lets exactly one of 20 concurrent adds for one algorithm and generation win, and keeps the winner', async () => {
      const generation = makeSigningKey().generation;
      const candidates = Array.from({ length: 20 }, () => makeSigningKey({ alg: 'ES256', generation }));
      const results = await Promise.all(candidates.map((key) => store.addSigningKey(key)));
      expect(trues(results)).toBe(1);
      expect(await listed(generation)).toEqual([candidates[results.indexOf(true)]]);
    });

    it('is not changed by mutating a key after adding it or after reading it', async () => {
      const key = makeSigningKey({ alg: 'RS256' });
      const saved = structuredClone(key);
      expect(await store.addSigningKey(key)).toBe(true);
      key.publicJwk.n = 'changed';
      key.expiresAt.setTime(0);
      const [read] = await listed(saved.generation);
      read!.publicJwk.e = 'changed';
      read!.retiresAt.setTime(0);
      expect(await listed(saved.generation)).toEqual([saved]);
    });
  });
}
