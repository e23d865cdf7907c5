import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 32 random bytes in base64url: 256 bits, and only characters that need no encoding anywhere. */
export function randomSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** A short random identifier (128 bits) for grants, clients and transactions. */
export function randomId(): string {
  return randomBytes(16).toString('base64url');
}

/**
 * A client id (128 bits) in lowercase hex: developers paste it into shells, command lines and
 * config files, where a base64url id may start with `-` and be taken for an option.
 */
export function randomClientId(): string {
  return randomBytes(16).toString('hex');
}

/** What stores keep instead of a secret: base64url SHA-256 (high-entropy input needs no slow KDF). */
export function hashSecret(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

/** Compares a presented secret with a stored hash in constant time. */
export function secretMatchesHash(presented: string, storedHash: string): boolean {
  const a = createHash('sha256').update(presented).digest();
  const b = Buffer.from(storedHash, 'base64url');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Constant-time equality of two strings of any length (compared through their digests). */
export function constantTimeEqual(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

/**
 * Codes and tokens are `<grantId>.<secret>`: the grant id lets a store find the grant's keys
 * together (one Redis Cluster slot) and is no secret; the 256-bit part after the dot is.
 */
export function mintGrantSecret(grantId: string): { value: string; hash: string } {
  const value = `${grantId}.${randomSecret()}`;
  return { value, hash: hashSecret(value) };
}

const GRANT_SECRET = /^([A-Za-z0-9_-]{22})\.[A-Za-z0-9_-]{43}$/;

/** Splits a presented code or token; null when it cannot be one of ours (no store read needed). */
export function parseGrantSecret(value: string): { grantId: string; hash: string } | null {
  const match = GRANT_SECRET.exec(value);
  return match ? { grantId: match[1]!, hash: hashSecret(value) } : null;
}
