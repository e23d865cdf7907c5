import { hashSecret, randomSecret } from '../crypto';

/** RFC 9126 §2.2: the URN namespace of request URIs. */
export const REQUEST_URI_PREFIX = 'urn:ietf:params:oauth:request_uri:';

const RANDOM_PART = /^[A-Za-z0-9_-]{43}$/;

/** A new request URI (256 random bits after the prefix) and what the store keeps of it: the SHA-256 of the random part. */
export function mintRequestUri(): { value: string; hash: string } {
  const secret = randomSecret();
  return { value: `${REQUEST_URI_PREFIX}${secret}`, hash: hashSecret(secret) };
}

/** The store key of a presented request URI; null when it cannot be one of ours (no store read needed). */
export function requestUriHash(value: string): string | null {
  if (!value.startsWith(REQUEST_URI_PREFIX)) return null;
  const secret = value.slice(REQUEST_URI_PREFIX.length);
  return RANDOM_PART.test(secret) ? hashSecret(secret) : null;
}
