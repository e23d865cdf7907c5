import { methodsOf } from './method-list';

export type SigningAlgorithm = 'RS256' | 'ES256';

/** The public half of a signing key as a JWK: `n`/`e` for RSA, `crv`/`x`/`y` for EC; never a private member. */
export interface PublicJwk {
  kty: string;
  n?: string;
  e?: string;
  crv?: string;
  x?: string;
  y?: string;
}

/**
 * One key that signs OpenID Connect ID tokens. Keys follow a schedule: the key of `generation` g
 * (one per algorithm) signs from `activatesAt` until `retiresAt` and is published, so that clients
 * can verify with it, from `createdAt` until `expiresAt`.
 */
export interface SigningKeyRecord {
  /** The JWK `kid` that tokens signed with it carry in their header. */
  kid: string;
  alg: SigningAlgorithm;
  generation: number;
  publicJwk: PublicJwk;
  /** The private JWK encrypted with the site's secret (a compact JWE): the store never holds it in the clear. */
  privateKey: string;
  createdAt: Date;
  /** Signs from. */
  activatesAt: Date;
  /** Signs until. */
  retiresAt: Date;
  /** Published in the JWKS until; the store may forget the key after it. */
  expiresAt: Date;
}

/**
 * Where the signing keys live, shared by every instance of the site. Every method is async; a
 * throw means the store is unavailable. Expiry follows `expiresAt` measured with `Date.now()`.
 */
export interface KeyStore {
  /**
   * Required. Stores a new key, create-only on (`alg`, `generation`): returns false and changes
   * nothing when a key with that algorithm and generation exists, whatever its other fields.
   * Of N concurrent calls for one (alg, generation) exactly one returns true: that is how several
   * instances rotating at the same moment agree on one key (the others read it back).
   */
  addSigningKey(key: SigningKeyRecord): Promise<boolean>;

  /** Required. Every key whose `expiresAt` is still ahead, in any order, with every field as stored. */
  listSigningKeys(): Promise<SigningKeyRecord[]>;
}

/** Every KeyStore method, for checking a store given at run time. */
export const KEY_STORE_METHODS = methodsOf<KeyStore>()(['addSigningKey', 'listSigningKeys']);
