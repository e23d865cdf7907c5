import { LOOPBACK_HOSTS } from '../loopback';
import type { ClientRecord } from '../storage/records';

/**
 * RFC 8252 native apps. A desktop app receives its answer on a loopback port the operating system
 * picks at run time (§7.3), or through a private-use URI scheme the app claimed (§7.1). Only the
 * IP literals get the port variance: `localhost` can be resolved to another machine by a hosts
 * file or a resolver (§8.3), so it stays an exact match like every other URI.
 */

/** `http://<IP literal>[:port]<rest>`, with the rest (path and query) kept exactly as written. */
const LOOPBACK_URI = /^http:\/\/(127\.0\.0\.1|\[::1\])(?::([0-9]*))?([/?].*)?$/s;
/** A reverse-DNS domain name: two or more labels, starting with a letter as a scheme must. */
const REVERSE_DNS = /^[a-z](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/;

/** True for a scheme name (without ":") of the reverse-DNS form RFC 8252 §7.1 asks of private-use schemes. */
export function isPrivateUseScheme(scheme: string): boolean {
  return REVERSE_DNS.test(scheme);
}

/**
 * True when answers to this URI land on the user's own device: http or https to a loopback host,
 * or a private-use scheme. Read from the parsed URL, so any spelling a browser would follow there
 * (`HTTP://`, `LOCALHOST`, `https://127.0.0.1`) counts: the native-app warning and `prompt=none`'s
 * consent_required (RFC 8252 §8.6) must not be skipped by writing the scheme or host differently.
 */
export function isNativeRedirect(uri: string): boolean {
  if (!URL.canParse(uri)) return false;
  const url = new URL(uri);
  if (url.protocol === 'http:' || url.protocol === 'https:') return LOOPBACK_HOSTS.has(url.hostname);
  return isPrivateUseScheme(url.protocol.slice(0, -1));
}

/**
 * A native app asking: a public client answered on the user's device. The consent page says so,
 * and `prompt=none` never answers it silently (RFC 8252 §8.6).
 */
export function isNativeApp(client: Pick<ClientRecord, 'isPublic'>, redirectUri: string): boolean {
  return client.isPublic && isNativeRedirect(redirectUri);
}

/** A loopback IP-literal URI split at its port, or null when it is not one or its port is not a plain 1-65535. */
function splitLoopback(uri: string): { host: string; rest: string } | null {
  const match = LOOPBACK_URI.exec(uri);
  if (!match) return null;
  const [, host, port, rest = ''] = match;
  if (port !== undefined && !(/^[1-9][0-9]{0,4}$/.test(port) && Number(port) <= 65535)) return null;
  return { host: host!, rest };
}

/**
 * Whether `requested` (a `redirect_uri` sent to /authorize) is one the client registered: the
 * exact string, or, for a public client only, a registered loopback IP-literal URI with any port
 * (RFC 8252 §7.3). Host literal, path and query still match exactly. The requested string itself,
 * port included, is what the code remembers and what the token request must repeat.
 */
export function isRegisteredRedirectUri(client: Pick<ClientRecord, 'isPublic' | 'redirectUris'>, requested: string): boolean {
  if (client.redirectUris.includes(requested)) return true;
  if (!client.isPublic) return false;
  const wanted = splitLoopback(requested);
  if (wanted === null) return false;
  return client.redirectUris.some((registered) => {
    const loopback = splitLoopback(registered);
    return loopback !== null && loopback.host === wanted.host && loopback.rest === wanted.rest;
  });
}

/**
 * What the consent page names as the answer's destination: the origin of a web URI, or the
 * scheme of a private-use one (`com.example.app:`), whose URL origin would be "null".
 */
export function redirectDestination(uri: string): string {
  const url = new URL(uri);
  return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : url.protocol;
}
