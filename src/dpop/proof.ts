import { createHash } from 'node:crypto';
import { loadJose } from '../keys/jose';
import { proofKey } from './proof-keys';

/**
 * The asymmetric algorithms a DPoP proof may be signed with (RFC 9449 §4.3 item 5: never `none`,
 * never a MAC, whose key the server would have to know). Advertised as
 * `dpop_signing_alg_values_supported`.
 */
export const DPOP_ALGORITHMS = ['ES256', 'ES384', 'PS256', 'RS256', 'EdDSA'] as const;

/** A proof longer than this is refused before it is parsed: real ones are well under 2 KiB (an RSA-4096 key included). */
export const MAX_PROOF_LENGTH = 8192;
/** How far a proof's `iat` may lie in the future (clock skew) or the past (its lifetime). */
export const PROOF_LEEWAY_SECONDS = 60;
export const PROOF_LIFETIME_SECONDS = 300;

/** Members that only a private or symmetric JWK has: a proof's `jwk` must carry none. */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/** Why a proof was refused: the description of an `invalid_dpop_proof` error, never a secret. */
export class DpopProofError extends Error {
  override readonly name = 'DpopProofError';
}

export interface ProofCheck {
  /** The request's method and its URL as the client addressed it (the router's public URL). */
  method: string;
  url: string;
  /** The access token the request presents (at a resource): the proof's `ath` must be its hash. */
  accessToken?: string;
  /** A nonce the proof must carry, when the server asks for them. */
  nonceIsValid?: (nonce: string | undefined) => boolean;
  now: Date;
}

export interface VerifiedProof {
  /** RFC 7638 SHA-256 thumbprint of the proof's key: what a bound token's `cnf.jkt` holds. */
  jkt: string;
  jti: string;
  /** When the proof stops being acceptable, so its `jti` need be remembered only until then. */
  expiresAt: Date;
}

/** RFC 9449 §4.3 item 9: htu is compared without query and fragment, after URL normalisation. */
export function normalisedHtu(url: string): string | null {
  try {
    const parsed = new URL(url);
    parsed.search = '';
    parsed.hash = '';
    return parsed.href;
  } catch {
    return null;
  }
}

/** `ath`: base64url SHA-256 of the access token's ASCII (RFC 9449 §4.2). */
export const accessTokenHash = (token: string): string => createHash('sha256').update(token, 'ascii').digest('base64url');

/**
 * Checks one `DPoP` header value against the request it came with (RFC 9449 §4.3). Replay (`jti`
 * seen before) is the caller's check, against a store every instance shares.
 */
export async function verifyDpopProof(proof: string | undefined, check: ProofCheck): Promise<VerifiedProof> {
  if (proof === undefined || proof === '') throw new DpopProofError('A DPoP proof is required.');
  // Node joins repeated headers with ", ": a JWS never holds a comma, so one means two proofs.
  if (proof.includes(',')) throw new DpopProofError('Send exactly one DPoP header.');
  if (proof.length > MAX_PROOF_LENGTH) throw new DpopProofError(`The DPoP proof is longer than ${MAX_PROOF_LENGTH} characters.`);
  if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(proof)) throw new DpopProofError('The DPoP proof is not a compact JWS.');

  const jose = await loadJose();
  let header: ReturnType<typeof jose.decodeProtectedHeader>;
  try {
    header = jose.decodeProtectedHeader(proof);
  } catch {
    throw new DpopProofError('The DPoP proof header is not valid JSON.');
  }
  if (header.typ !== 'dpop+jwt') throw new DpopProofError('The DPoP proof must have typ "dpop+jwt".');
  if (typeof header.alg !== 'string' || !(DPOP_ALGORITHMS as readonly string[]).includes(header.alg)) {
    throw new DpopProofError(`The DPoP proof must be signed with one of ${DPOP_ALGORITHMS.join(', ')}.`);
  }
  const jwk = header.jwk as Record<string, unknown> | undefined;
  if (jwk === undefined || jwk === null || typeof jwk !== 'object' || Array.isArray(jwk)) throw new DpopProofError('The DPoP proof header must carry the public key as "jwk".');
  if (PRIVATE_MEMBERS.some((member) => member in jwk)) throw new DpopProofError('The DPoP proof\'s "jwk" must be a public key.');

  const cached = proofKey(jose, jwk, header.alg);
  let signed: Uint8Array;
  try {
    signed = (await jose.compactVerify(proof, await cached.key, { algorithms: [header.alg] })).payload;
  } catch {
    throw new DpopProofError('The DPoP proof\'s signature does not verify with its "jwk".');
  }
  const payload = parsePayload(signed);

  const { jti, htm, htu, iat, ath, nonce } = payload;
  if (typeof jti !== 'string' || jti.length < 8 || jti.length > 256) throw new DpopProofError('The DPoP proof needs a "jti" of 8 to 256 characters.');
  if (htm !== check.method) throw new DpopProofError(`The DPoP proof's "htm" must be ${check.method}.`);
  const expectedHtu = normalisedHtu(check.url);
  if (typeof htu !== 'string' || normalisedHtu(htu) !== expectedHtu) throw new DpopProofError(`The DPoP proof's "htu" must be ${expectedHtu}.`);
  const now = Math.floor(check.now.getTime() / 1000);
  if (typeof iat !== 'number' || !Number.isFinite(iat)) throw new DpopProofError('The DPoP proof needs a numeric "iat".');
  if (iat > now + PROOF_LEEWAY_SECONDS || iat < now - PROOF_LIFETIME_SECONDS) throw new DpopProofError('The DPoP proof\'s "iat" is too far from the server\'s time.');
  if (check.accessToken !== undefined && ath !== accessTokenHash(check.accessToken)) {
    throw new DpopProofError('The DPoP proof\'s "ath" does not match the access token.');
  }
  if (check.nonceIsValid && !check.nonceIsValid(typeof nonce === 'string' ? nonce : undefined)) throw new DpopNonceError();

  return {
    jkt: await cached.jkt,
    jti,
    expiresAt: new Date((Math.max(iat, now) + PROOF_LIFETIME_SECONDS + PROOF_LEEWAY_SECONDS) * 1000),
  };
}

/** The proof lacks the server's current nonce: the answer is `use_dpop_nonce` with a fresh one (RFC 9449 §8). */
export class DpopNonceError extends DpopProofError {
  constructor() {
    super('The DPoP proof must carry the nonce the server gave in its DPoP-Nonce header.');
  }
}

function parsePayload(bytes: Uint8Array): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw new DpopProofError('The DPoP proof\'s payload is not JSON.');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new DpopProofError('The DPoP proof\'s payload is not a JSON object.');
  return parsed as Record<string, unknown>;
}
