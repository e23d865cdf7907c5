import { loadJose, type JWK } from './jose';

/** Shorter site secrets would make the password-based key wrapping the weak point. */
const MIN_SECRET_LENGTH = 32;

const KEY_MANAGEMENT = 'PBES2-HS512+A256KW';
const CONTENT_ENCRYPTION = 'A256GCM';

export function assertSecret(secret: unknown): asserts secret is string {
  if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH) {
    throw new Error(`The secret that encrypts the signing keys must be a string of at least ${MIN_SECRET_LENGTH} characters`);
  }
}

/** The private JWK as a compact JWE, encrypted with a key derived from `secret` (PBES2). */
export async function encryptPrivateKey(jwk: JWK, secret: string): Promise<string> {
  assertSecret(secret);
  const { CompactEncrypt } = await loadJose();
  return new CompactEncrypt(new TextEncoder().encode(JSON.stringify(jwk)))
    .setProtectedHeader({ alg: KEY_MANAGEMENT, enc: CONTENT_ENCRYPTION })
    .encrypt(new TextEncoder().encode(secret));
}

/** The private JWK back from `encryptPrivateKey`; throws when `secret` is not the one it was encrypted with. */
export async function decryptPrivateKey(jwe: string, secret: string): Promise<JWK> {
  assertSecret(secret);
  const { compactDecrypt } = await loadJose();
  let plaintext: Uint8Array;
  try {
    ({ plaintext } = await compactDecrypt(jwe, new TextEncoder().encode(secret), {
      keyManagementAlgorithms: [KEY_MANAGEMENT], contentEncryptionAlgorithms: [CONTENT_ENCRYPTION],
    }));
  } catch (cause) {
    throw new Error('A stored signing key could not be decrypted: it was encrypted with another secret, or it is damaged', { cause });
  }
  return JSON.parse(new TextDecoder().decode(plaintext)) as JWK;
}
