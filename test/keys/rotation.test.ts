/**
 * The promise the schedule makes, checked by living through it: a fake clock crosses three
 * rotations in steps; at each step a token is signed with the current key (alternately by two
 * instances sharing one store), and must verify against
 * - the oldest JWKS a client may still hold by the Cache-Control max-age, and
 * - the current JWKS, for every token signed up to keepAfterRetiring ago.
 */
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { memoryKeyStore } from '../../adapters/memory';
import { createSigningKeys, type SigningKeys } from '../../src/keys/signing-keys';
import type { SigningKeyOptions } from '../../src/keys/schedule';
import type { SigningAlgorithm } from '../../src/storage';
import { DAY, fakeClock, HOUR, maxAgeOf, SECRET, sign, verify } from './support';

type Jwks = Awaited<ReturnType<SigningKeys['jwks']>>;

async function simulate(options: SigningKeyOptions & { rotateEvery: number }, step: number, algorithms: SigningAlgorithm[]) {
  const keep = options.keepAfterRetiring ?? 2 * DAY;
  const start = 400 * options.rotateEvery + 7 * HOUR;
  const end = 403 * options.rotateEvery + keep + step;
  const clock = fakeClock(start);
  const store = memoryKeyStore();
  const instances = [0, 1].map(() => createSigningKeys({ ...options, algorithms, store, secret: SECRET }));
  const maxAge = maxAgeOf(instances[0]!.cacheControl);
  const fetched: Array<{ at: number; jwks: Jwks }> = [];
  const signed: Array<{ at: number; token: string; kid: string }> = [];
  const failures: string[] = [];
  const kids = new Set<string>();

  for (let i = 0; clock.now() <= end; i += 1, clock.advance(step)) {
    const now = clock.now();
    const instance = instances[i % 2]!;
    fetched.push({ at: now, jwks: await instance.jwks() });
    // The oldest JWKS a client may use now: fetched at most max-age ago (none existed before the start).
    const cachedByClient = fetched.find(({ at }) => at >= now - maxAge)!;
    for (const alg of algorithms) {
      const key = await instance.signingKey(alg);
      kids.add(key.kid);
      // As long-lived as a token may be: verifiable for all of keepAfterRetiring.
      const token = await sign(key, keep);
      signed.push({ at: now, token, kid: key.kid });
      await verify(token, cachedByClient.jwks).catch((err: Error) => {
        failures.push(`${new Date(now).toISOString()}: a client's JWKS from ${new Date(cachedByClient.at).toISOString()} lacks ${key.kid}: ${err.message}`);
      });
    }
    const current = fetched[fetched.length - 1]!.jwks;
    const recent = signed.filter(({ at }) => at > now - keep);
    await Promise.all(recent.map(({ at, token, kid }) => verify(token, current).catch(() => {
      failures.push(`${new Date(now).toISOString()}: a token signed ${(now - at) / HOUR} h ago with ${kid} no longer verifies`);
    })));
  }
  return { failures, kids: kids.size, tokens: signed.length };
}

describe('key rotation over three rotations', () => {
  jest.setTimeout(120_000);
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('never signs with a key a client cannot have, nor drops one too early (defaults, ES256, every 4 hours)', async () => {
    const result = await simulate({ rotateEvery: 30 * DAY }, 4 * HOUR, ['ES256']);
    expect(result.failures).toEqual([]);
    expect(result.kids).toBe(4);
  });

  it('holds on a short schedule with both algorithms, every hour', async () => {
    const options = { rotateEvery: 5 * DAY, publishAhead: 12 * HOUR, keepAfterRetiring: 12 * HOUR };
    const result = await simulate(options, HOUR, ['RS256', 'ES256']);
    expect(result.failures).toEqual([]);
    expect(result.kids).toBe(8);
  });
});
