/** Where plain http still is a secure origin (the demo on one machine). */
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** The scopes the JSON API under /api checks (routes/api.ts), listed in its resource metadata. */
export const API_SCOPES = ['identity', 'read', 'create', 'update', 'delete', 'vote', 'guildmaster'];

/**
 * The JSON API as a protected resource (RFC 9728 / RFC 8707): `PUBLIC_URL/api`, when PUBLIC_URL is
 * https or plain http on loopback; null otherwise (the provider takes no other resource identifier,
 * and a token bound to a plain-http API would travel in the clear anyway).
 */
export function apiResource(publicUrl: string): string | null {
  const url = new URL(publicUrl);
  const secure = url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
  return secure ? `${publicUrl}/api` : null;
}
