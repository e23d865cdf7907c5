import type { KeyStore } from '../storage/key-store';
import { ConfigurationError } from '../errors';
import { loadJose, type CryptoKey, type JWK } from './jose';
import { resolveSchedule, type SigningKeyOptions } from './schedule';
import { createSigningKeys } from './signing-keys';
import type { SigningAlgorithm } from '../storage/key-store';

/** Keys kept in a key store and encrypted there with `secret`, or the site's own private JWKs. */
export type IdTokenKeyOptions = ({ store: KeyStore; secret: string } & SigningKeyOptions) | { jwks: Array<Record<string, unknown>> };

/** What OpenID Connect needs of its keys: sign, publish, and check a token we signed (an `id_token_hint`). */
export interface IdTokenKeys {
  /** Signs the claims as a JWT (`typ` JWT unless told) with the key that signs for `alg` now. */
  sign(claims: Record<string, unknown>, alg: SigningAlgorithm, typ?: string): Promise<string>;
  /** The JWKS: every public key a client may meet in a token that has not expired. */
  jwks(): Promise<{ keys: JWK[] }>;
  cacheControl: string;
  algorithms: readonly SigningAlgorithm[];
}

/** What signs: a kid, its algorithm, and the private key. */
interface ActiveKey {
  kid: string;
  alg: SigningAlgorithm;
  privateKey: CryptoKey;
}

async function signWith(key: ActiveKey, claims: Record<string, unknown>, typ = 'JWT'): Promise<string> {
  const { SignJWT } = await loadJose();
  return new SignJWT(claims).setProtectedHeader({ alg: key.alg, kid: key.kid, typ }).sign(key.privateKey);
}

/** Keys in a key store, made and rotated on a schedule, or the site's own. */
export function createIdTokenKeys({ keys, idTokenLifetime }: { keys: IdTokenKeyOptions; idTokenLifetime: number }): IdTokenKeys {
  if ('jwks' in keys) return siteKeys(keys.jwks);
  let signing: ReturnType<typeof createSigningKeys>;
  try {
    signing = createSigningKeys(keys);
    // A retired key must stay published until the last token it signed has expired.
    if (resolveSchedule(keys).keepAfterRetiring < idTokenLifetime * 1000) {
      throw new Error(`keepAfterRetiring must be at least the ID-token lifetime (${idTokenLifetime} s), or tokens signed just before a rotation could not be verified`);
    }
  } catch (err) {
    throw new ConfigurationError(`createOAuthProvider: option \`openid.keys\` is invalid: ${(err as Error).message}`);
  }
  return {
    sign: async (claims, alg, typ) => signWith(await signing.signingKey(alg), claims, typ),
    jwks: () => signing.jwks(),
    cacheControl: signing.cacheControl,
    algorithms: keys.algorithms ? [...new Set(keys.algorithms)] : ['RS256', 'ES256'],
  };
}

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
const KEY_TYPES: Record<SigningAlgorithm, { kty: string; crv?: string }> = { RS256: { kty: 'RSA' }, ES256: { kty: 'EC', crv: 'P-256' } };

/**
 * The site's own private JWKs: checked at start-up (one per kid, RS256 or ES256, a private key of
 * the right type), imported on first use. The first key of each algorithm signs; all are published.
 */
function siteKeys(jwks: ReadonlyArray<Record<string, unknown>>): IdTokenKeys {
  const fail = (message: string) => new ConfigurationError(`createOAuthProvider: option \`openid.keys.jwks\` is invalid: ${message}`);
  const kids = new Set<string>();
  for (const [i, jwk] of jwks.entries()) {
    const { kid, alg, kty, crv, d } = jwk;
    if (typeof kid !== 'string' || kid === '') throw fail(`key ${i} has no kid`);
    if (kids.has(kid)) throw fail(`kid "${kid}" is used twice`);
    kids.add(kid);
    if (alg !== 'RS256' && alg !== 'ES256') throw fail(`key "${kid}": alg must be RS256 or ES256`);
    const type = KEY_TYPES[alg];
    if (kty !== type.kty || (type.crv !== undefined && crv !== type.crv)) throw fail(`key "${kid}" is not a ${alg} key`);
    if (typeof d !== 'string') throw fail(`key "${kid}" is not a private key (no "d")`);
  }
  if (!jwks.some((jwk) => jwk.alg === 'RS256')) throw fail('an RS256 key is required (OpenID Connect clients expect RS256 by default)');
  const publicKeys = jwks.map((jwk) => Object.fromEntries(Object.entries(jwk).filter(([name]) => !PRIVATE_MEMBERS.includes(name))) as JWK);
  const algorithms = [...new Set(jwks.map((jwk) => jwk.alg as SigningAlgorithm))];
  const active = new Map<SigningAlgorithm, Promise<ActiveKey>>();
  const activeKey = (alg: SigningAlgorithm) => {
    let key = active.get(alg);
    if (!key) {
      const jwk = jwks.find((candidate) => candidate.alg === alg)!;
      key = loadJose().then(async ({ importJWK }) => ({ kid: jwk.kid as string, alg, privateKey: await importJWK(jwk as JWK, alg) as CryptoKey }));
      key.catch(() => active.delete(alg));
      active.set(alg, key);
    }
    return key;
  };
  return {
    async sign(claims, alg, typ) {
      if (!algorithms.includes(alg)) throw new Error(`OpenID Connect: the site gave no ${alg} key`);
      return signWith(await activeKey(alg), claims, typ);
    },
    jwks: async () => ({ keys: publicKeys.map((jwk) => ({ ...jwk, use: 'sig' })) }),
    // The site rotates these itself; an hour keeps a client's copy close to the site's.
    cacheControl: 'public, max-age=3600',
    algorithms,
  };
}
