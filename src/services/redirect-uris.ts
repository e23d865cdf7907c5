import { ValidationError } from '../errors';

const FIELD = 'redirectUris';
const CODE = 'invalid_redirect_uri';
/** Long enough for any real callback; short enough that a store column and a log line stay sane. */
const MAX_LENGTH = 2000;
/** RFC 8252 §7.3 / RFC 9700 §2.6: plain http only for loopback redirects of native apps. */
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Parses what a developer typed into the "redirect URIs" field (a comma-separated string, as the
 * Ruqqus apps tab takes it, or a list) into the registered list. The authorize endpoint later
 * compares by exact string, so anything that is not a plain absolute https (or loopback http) URL
 * is refused here rather than silently normalised.
 */
export function parseRedirectUris(input: string[] | string, max: number): string[] {
  const pieces = splitInput(input);
  // Only spaces are trimmed (the ", " between list items): a newline or tab is refused below, so a
  // pasted value with a hidden control character is reported instead of being guessed at.
  const uris = [...new Set(pieces.map((piece) => piece.replace(/^ +| +$/g, '')).filter((uri) => uri !== ''))];
  if (uris.length === 0) {
    throw new ValidationError(CODE, 'redirectUris: at least one redirect URI is required.', FIELD);
  }
  if (uris.length > max) {
    throw new ValidationError(CODE, `redirectUris: at most ${max} redirect URIs may be registered (got ${uris.length}).`, FIELD);
  }
  for (const uri of uris) checkRedirectUri(uri);
  return uris;
}

function splitInput(input: unknown): string[] {
  if (typeof input === 'string') return input.split(',');
  if (Array.isArray(input) && input.every((item): item is string => typeof item === 'string')) return input;
  throw new ValidationError(CODE, 'redirectUris: must be a string of comma-separated URIs or a list of strings.', FIELD);
}

/** Throws a ValidationError naming the URI and the rule it breaks. */
function checkRedirectUri(uri: string): void {
  function fail(rule: string): never {
    // JSON.stringify shows a control character as an escape instead of printing it.
    const shown = uri.length > 100 ? `${uri.slice(0, 100)}...` : uri;
    throw new ValidationError(CODE, `redirectUris: ${JSON.stringify(shown)} ${rule}.`, FIELD);
  }
  if (uri.length > MAX_LENGTH) fail(`is longer than ${MAX_LENGTH} characters`);
  if (/[\s\p{Cc}]/u.test(uri)) fail('must not contain whitespace or control characters');
  if (/[^\x21-\x7e]/.test(uri)) fail('must contain only ASCII characters (percent-encode the path, punycode the host)');
  if (uri.includes('#')) fail('must not contain a fragment (#)');
  if (uri.includes('*')) fail('must not contain a wildcard (*)');
  // A backslash is read as "/" by browsers' URL parsers: it hides the real host.
  if (uri.includes('\\')) fail('must not contain a backslash');

  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(uri)?.[1]?.toLowerCase();
  if (scheme === undefined) fail('must be an absolute URL (https://host/path)');
  if (scheme !== 'https' && scheme !== 'http') fail('must use https (http is allowed only for localhost, 127.0.0.1 and [::1])');
  // WHATWG URL accepts "https:host" and "https:///host"; a registered URI must be spelled plainly.
  const authority = /^[A-Za-z]+:\/\/([^/?]+)/.exec(uri)?.[1];
  if (authority === undefined) fail('must be an absolute URL with a host (https://host/path)');
  if (authority.includes('@')) fail('must not contain user information (user@host)');
  if (!URL.canParse(uri)) fail('is not a valid URL');
  // The host as written, not as URL would normalise it: "127.1" or "0x7f.0.0.1" are not accepted
  // spellings of loopback, since the authorize endpoint compares strings. Only letters, digits,
  // dots and dashes (or a bracketed IPv6 address): the consent page's CSP names this host, where
  // a ";" or a quote would start another directive.
  const host = /^(\[[^\]]*\]|[^:]*)(?::\d*)?$/.exec(authority)?.[1]?.toLowerCase();
  if (scheme === 'http' && (host === undefined || !LOOPBACK_HOSTS.has(host))) {
    fail('must use https (http is allowed only for localhost, 127.0.0.1 and [::1])');
  }
  if (host === undefined || new URL(uri).hostname !== host || sourceHost(host) === null) {
    fail('must have a plain host name (letters, digits, dots and dashes) and an optional numeric port');
  }
}

const HOST_NAME = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$/;
const IPV6 = /^\[[0-9a-f:.]+\]$/;

/** The host when it is a DNS name, an IPv4 or a bracketed IPv6 address (lowercase, as URL gives it), else null. */
function sourceHost(host: string): string | null {
  return HOST_NAME.test(host) || IPV6.test(host) ? host : null;
}

/**
 * The origin of a redirect URI as a CSP source (`https://host[:port]`), or null when the URI is not
 * an http(s) URL with a plain host. Built from the parsed URL, never from the stored text, so a
 * record written before registration refused such hosts still cannot add a directive to a header.
 */
export function cspSourceOf(uri: string): string | null {
  if (!URL.canParse(uri)) return null;
  const url = new URL(uri);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  if (sourceHost(url.hostname) === null || !/^\d*$/.test(url.port)) return null;
  return `${url.protocol}//${url.hostname}${url.port === '' ? '' : `:${url.port}`}`;
}
