/** RFC 9728 §3: the well-known name under which a resource describes itself. */
export const PROTECTED_RESOURCE_WELL_KNOWN = '/.well-known/oauth-protected-resource';

/**
 * RFC 8707 §2: a `resource` parameter is an absolute URI (RFC 3986 §4.3: a scheme, no fragment);
 * what is not is `invalid_target` before it is even looked up.
 */
export function isAbsoluteUri(value: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]*:[\x21-\x7E]+$/.test(value) && !value.includes('#');
}

/**
 * What a site may register as a resource: an absolute URI that is a URL with a host (its metadata
 * lives on that host). Parsed, not pattern matched, so `https:/x` or a relative path is refused.
 */
export function isResourceIdentifier(value: string): boolean {
  if (!isAbsoluteUri(value)) return false;
  try {
    return new URL(value).host !== '';
  } catch {
    return false;
  }
}

/**
 * RFC 9728 §3.1: the metadata of `https://forum.example/api` lives at
 * `https://forum.example/.well-known/oauth-protected-resource/api`, the well-known segment inserted
 * between the host and the path (a trailing slash of the bare origin is dropped). Registered
 * identifiers have no query (see the `resources` option), so the path is the whole of it.
 */
export function metadataPathOf(identifier: string): string {
  const { pathname } = new URL(identifier);
  return `${PROTECTED_RESOURCE_WELL_KNOWN}${pathname === '/' ? '' : pathname}`;
}

/** The absolute URL of the resource's metadata document, for `resource_metadata` in challenges. */
export function metadataUrlOf(identifier: string): string {
  return `${new URL(identifier).origin}${metadataPathOf(identifier)}`;
}
