import { ValidationError } from '../errors';
import { LOOPBACK_HOSTS } from '../loopback';
import { isPrivateUseScheme } from './native-redirects';

/** Long enough for any real callback; short enough that a store column and a log line stay sane. */
const MAX_LENGTH = 2000;

/** A registered list of URIs, as its errors name it. */
interface UriList {
  field: string;
  code: string;
  /** What one entry is called in a message. */
  noun: string;
  /** An empty list is refused (redirect URIs) or means "none" (post-logout URIs: logout stays on the site). */
  required: boolean;
}

const REDIRECT_URIS: UriList = { field: 'redirectUris', code: 'invalid_redirect_uri', noun: 'redirect URI', required: true };
const POST_LOGOUT_REDIRECT_URIS: UriList = {
  field: 'postLogoutRedirectUris', code: 'invalid_post_logout_redirect_uri', noun: 'post-logout redirect URI', required: false,
};

/** Which client the URIs are for: a public client (a native app) may also register private-use schemes. */
export interface RedirectUriRules {
  isPublic: boolean;
}

const CONFIDENTIAL: RedirectUriRules = { isPublic: false };

/**
 * Parses what a developer typed into the "redirect URIs" field (a comma-separated string, as the
 * Ruqqus apps tab takes it, or a list) into the registered list. The authorize endpoint later
 * compares by exact string (only a public client's loopback IP literals vary by port, RFC 8252
 * §7.3), so anything that is not a plain absolute https (or loopback http) URL, or for a public
 * client a reverse-DNS private-use scheme (RFC 8252 §7.1), is refused here rather than silently
 * normalised. Without `rules`, the stricter rules of a confidential client apply.
 */
export function parseRedirectUris(input: string[] | string, max: number, rules: RedirectUriRules = CONFIDENTIAL): string[] {
  return parseUriList(input, max, REDIRECT_URIS, rules);
}

/**
 * The same for OpenID Connect RP-initiated logout's `post_logout_redirect_uri`, which is matched
 * exactly too and sends the user's browser away just as a redirect URI does. Empty is allowed.
 */
export function parsePostLogoutRedirectUris(input: string[] | string, max: number): string[] {
  return parseUriList(input, max, POST_LOGOUT_REDIRECT_URIS, CONFIDENTIAL);
}

function parseUriList(input: string[] | string, max: number, list: UriList, rules: RedirectUriRules): string[] {
  const { field, code, noun } = list;
  const pieces = splitInput(input, list);
  // Only spaces are trimmed (the ", " between list items): a newline or tab is refused below, so a
  // pasted value with a hidden control character is reported instead of being guessed at.
  const uris = [...new Set(pieces.map((piece) => piece.replace(/^ +| +$/g, '')).filter((uri) => uri !== ''))];
  if (uris.length === 0 && list.required) {
    throw new ValidationError(code, `${field}: at least one ${noun} is required.`, field);
  }
  if (uris.length > max) {
    throw new ValidationError(code, `${field}: at most ${max} ${noun}s may be registered (got ${uris.length}).`, field);
  }
  for (const uri of uris) checkRedirectUri(uri, list, rules);
  return uris;
}

function splitInput(input: unknown, { field, code }: UriList): string[] {
  if (typeof input === 'string') return input.split(',');
  if (Array.isArray(input) && input.every((item): item is string => typeof item === 'string')) return input;
  throw new ValidationError(code, `${field}: must be a string of comma-separated URIs or a list of strings.`, field);
}

/** Throws a ValidationError naming the URI and the rule it breaks. */
function checkRedirectUri(uri: string, { field, code }: UriList, { isPublic }: RedirectUriRules): void {
  function fail(rule: string): never {
    // JSON.stringify shows a control character as an escape instead of printing it.
    const shown = uri.length > 100 ? `${uri.slice(0, 100)}...` : uri;
    throw new ValidationError(code, `${field}: ${JSON.stringify(shown)} ${rule}.`, field);
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
  if (scheme !== 'https' && scheme !== 'http') {
    checkPrivateUseUri(uri, scheme, isPublic, fail);
    return;
  }
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
  // RFC 8252 §7.3 / RFC 9700 §2.6: plain http only for loopback redirects of native apps.
  if (scheme === 'http' && (host === undefined || !LOOPBACK_HOSTS.has(host))) {
    fail('must use https (http is allowed only for localhost, 127.0.0.1 and [::1])');
  }
  if (host === undefined || new URL(uri).hostname !== host || sourceHost(host) === null) {
    fail('must have a plain host name (letters, digits, dots and dashes) and an optional numeric port');
  }
}

/**
 * Schemes that run code, read local data or leave for another protocol: never a place to send a
 * code, even to a public client. Most lack a dot and would fail the reverse-DNS rule anyway; they
 * are named so the message says why.
 */
const FORBIDDEN_SCHEMES = new Set([
  'javascript', 'vbscript', 'data', 'file', 'blob', 'about', 'filesystem', 'view-source', 'ws', 'wss', 'ftp', 'mailto', 'tel', 'sms',
  'intent', 'chrome', 'chrome-extension', 'moz-extension', 'jar', 'urn',
]);

/** RFC 8252 §7.1: a private-use scheme of a native app, in the reverse-DNS form of a domain its developer controls. */
function checkPrivateUseUri(uri: string, scheme: string, isPublic: boolean, fail: (rule: string) => never): void {
  const httpsOnly = 'must use https (http is allowed only for localhost, 127.0.0.1 and [::1])';
  if (FORBIDDEN_SCHEMES.has(scheme)) fail(isPublic ? `uses the scheme "${scheme}:", which can never be a redirect URI` : httpsOnly);
  if (!isPrivateUseScheme(scheme)) {
    fail(isPublic ? 'must use https, loopback http, or a private-use scheme in reverse-DNS form of a domain you control (com.example.app:/callback)'
      : httpsOnly);
  }
  if (!isPublic) fail('uses a private-use URI scheme, which only a public client (a native app without a secret) may register');
  if (!uri.startsWith(`${scheme}:/`)) fail('must be written in lowercase with a path after the scheme (com.example.app:/callback)');
  if (/^[^:]*:\/\/[^/?]*@/.test(uri)) fail('must not contain user information (user@host)');
  if (!URL.canParse(uri)) fail('is not a valid URL');
}

const HOST_NAME = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$/;
const IPV6 = /^\[[0-9a-f:.]+\]$/;

/** The host when it is a DNS name, an IPv4 or a bracketed IPv6 address (lowercase, as URL gives it), else null. */
function sourceHost(host: string): string | null {
  return HOST_NAME.test(host) || IPV6.test(host) ? host : null;
}

/**
 * The origin of a redirect URI as a CSP source (`https://host[:port]`, or the scheme-source
 * `com.example.app:` of a native app's private-use scheme), or null when the URI is neither an
 * http(s) URL with a plain host nor such a scheme. Built from the parsed URL, never from the
 * stored text, so a record written before registration refused such hosts still cannot add a
 * directive to a header.
 *
 * An IPv6 literal (`http://[::1]:PORT`, RFC 8252 §7.3) gets the scheme-source `http:` (or `https:`):
 * CSP3's host-source grammar has no bracketed IPv6, so Chromium drops `http://[::1]:PORT` as
 * invalid and then blocks the answer's redirect. The scheme-source is wider, but form-action only
 * governs where this one page's form and its redirect may lead, and the redirect goes to the
 * registered URI the authorize endpoint already checked.
 */
export function cspSourceOf(uri: string): string | null {
  if (!URL.canParse(uri)) return null;
  const url = new URL(uri);
  const scheme = url.protocol.slice(0, -1);
  if (isPrivateUseScheme(scheme) && !FORBIDDEN_SCHEMES.has(scheme)) return url.protocol;
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  if (sourceHost(url.hostname) === null || !/^\d*$/.test(url.port)) return null;
  if (url.hostname.startsWith('[')) return url.protocol;
  return `${url.protocol}//${url.hostname}${url.port === '' ? '' : `:${url.port}`}`;
}
