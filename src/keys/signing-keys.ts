import type { KeyStore, PublicJwk, SigningAlgorithm, SigningKeyRecord } from '../storage/key-store';
import { loadJose, type CryptoKey, type JWK } from './jose';
import { decryptPrivateKey, encryptPrivateKey } from './key-encryption';
import { generationAt, generationsDue, nextPublication, resolveSchedule, type Schedule, type SigningKeyOptions } from './schedule';

export interface SigningKeysOptions extends SigningKeyOptions {
  store: KeyStore;
  /** Encrypts the private keys at rest; at least 32 characters, the same on every instance. */
  secret: string;
}

export interface SigningKey {
  kid: string;
  alg: SigningAlgorithm;
  /** For jose's SignJWT (`.setProtectedHeader({ alg, kid }).sign(privateKey)`). */
  privateKey: CryptoKey;
}

export interface SigningKeys {
  /** The key that signs with `alg` now; creates the keys the schedule calls for when the store lacks them. */
  signingKey(alg: SigningAlgorithm): Promise<SigningKey>;
  /** Every published public key, each with `kid`, `alg` and `use: 'sig'`: the body of the JWKS endpoint. */
  jwks(): Promise<{ keys: JWK[] }>;
  /** The `Cache-Control` header for the JWKS. */
  cacheControl: string;
}

/** Only the public members, whatever exportJWK adds. */
function publicPart(jwk: JWK): PublicJwk {
  const { kty, n, e, crv, x, y } = jwk;
  const members = kty === 'RSA' ? { n, e } : { crv, x, y };
  if (kty === undefined || Object.values(members).some((value) => value === undefined)) {
    throw new Error(`Signing keys: unexpected public JWK of type ${String(kty)}`);
  }
  return { kty, ...members } as PublicJwk;
}

/**
 * OpenID Connect signing keys on a schedule, shared through `store` by every instance of the
 * site: generation g = floor(now / rotateEvery) signs from g × rotateEvery until (g + 1) ×
 * rotateEvery; the next key is made and published `publishAhead` before it signs, and a retired
 * key stays published `keepAfterRetiring`. The first instance to need a key makes it; the
 * store's create-only add makes every other instance read that one instead of its own.
 */
export function createSigningKeys(options: SigningKeysOptions): SigningKeys {
  const schedule: Schedule = resolveSchedule(options);
  const { store, secret } = options;
  let cached: { keys: SigningKeyRecord[]; until: number } | null = null;
  let loading: Promise<SigningKeyRecord[]> | null = null;
  /** kid -> its imported private key: keys never change, so each is decrypted once. */
  const privateKeys = new Map<string, Promise<CryptoKey>>();

  async function makeKey(alg: SigningAlgorithm, generation: number, now: number): Promise<SigningKeyRecord> {
    const { calculateJwkThumbprint, exportJWK, generateKeyPair } = await loadJose();
    const pair = await generateKeyPair(alg, { extractable: true });
    const publicJwk = publicPart(await exportJWK(pair.publicKey));
    const starts = generation * schedule.rotateEvery;
    const retiresAt = starts + schedule.rotateEvery;
    return {
      kid: await calculateJwkThumbprint(publicJwk as JWK),
      alg,
      generation,
      publicJwk,
      privateKey: await encryptPrivateKey(await exportJWK(pair.privateKey), secret),
      createdAt: new Date(now),
      // A key made late (a fresh store) signs from when it exists, not from the start of its generation.
      activatesAt: new Date(Math.max(starts, now)),
      retiresAt: new Date(retiresAt),
      expiresAt: new Date(retiresAt + schedule.keepAfterRetiring),
    };
  }

  /** The stored keys, with every key the schedule calls for at `now` made first if missing. */
  async function load(now: number): Promise<SigningKeyRecord[]> {
    const keys = await store.listSigningKeys();
    const has = (alg: SigningAlgorithm, generation: number) => keys.some((k) => k.alg === alg && k.generation === generation);
    const missing = schedule.algorithms.flatMap((alg) => generationsDue(schedule, now)
      .filter((generation) => !has(alg, generation)).map((generation) => ({ alg, generation })));
    if (missing.length === 0) return keys;
    const made = await Promise.all(missing.map(({ alg, generation }) => makeKey(alg, generation, now)));
    const added = await Promise.all(made.map((key) => store.addSigningKey(key)));
    // Another instance made one of them first: its key is the one everybody uses.
    return added.every(Boolean) ? [...keys, ...made] : store.listSigningKeys();
  }

  async function currentKeys(): Promise<SigningKeyRecord[]> {
    const now = Date.now();
    if (cached && now < cached.until) return cached.keys;
    loading ??= load(now).then((keys) => {
      cached = { keys, until: Math.min(now + schedule.cacheFor, nextPublication(schedule, now)) };
      return keys;
    }).finally(() => {
      loading = null;
    });
    return loading;
  }

  function importPrivateKey(key: SigningKeyRecord): Promise<CryptoKey> {
    let imported = privateKeys.get(key.kid);
    if (!imported) {
      imported = (async () => {
        const { importJWK } = await loadJose();
        return (await importJWK(await decryptPrivateKey(key.privateKey, secret), key.alg)) as CryptoKey;
      })();
      imported.catch(() => privateKeys.delete(key.kid));
      privateKeys.set(key.kid, imported);
    }
    return imported;
  }

  return {
    async signingKey(alg) {
      if (!schedule.algorithms.includes(alg)) throw new Error(`Signing keys: no keys are kept for ${String(alg)}`);
      const keys = await currentKeys();
      const now = Date.now();
      // By generation rather than activatesAt: a key another instance has just made for the current
      // generation (on a fresh store) signs here too, even if this host's clock is a little behind.
      const current = generationAt(schedule, now);
      const signing = keys.filter((k) => k.alg === alg && k.generation <= current && now < k.retiresAt.getTime())
        .sort((a, b) => b.generation - a.generation)[0];
      if (!signing) throw new Error(`Signing keys: the store holds no ${alg} key that signs now`);
      for (const kid of privateKeys.keys()) if (!keys.some((k) => k.kid === kid)) privateKeys.delete(kid);
      return { kid: signing.kid, alg, privateKey: await importPrivateKey(signing) };
    },

    async jwks() {
      const now = Date.now();
      const keys = (await currentKeys()).filter((k) => k.expiresAt.getTime() > now)
        .sort((a, b) => b.generation - a.generation || a.alg.localeCompare(b.alg));
      return { keys: keys.map((k) => ({ ...k.publicJwk, kid: k.kid, alg: k.alg, use: 'sig' })) };
    },

    cacheControl: `public, max-age=${Math.floor(schedule.jwksMaxAge / 1000)}`,
  };
}
