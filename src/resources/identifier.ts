/** RFC 9728 §3: the well-known name under which a resource describes itself. */
export const PROTECTED_RESOURCE_WELL_KNOWN = '/.well-known/oauth-protected-resource';

/**
 * RFC 8707 §2: a resource indicator is an absolute URI with no fragment. Parsed, not pattern
 * matched, so `https:/x` or a relative path is refused.
 */
export function isResourceIdentifier(value: string): boolean {
  if (value.includes('#') || !/^[a-z][a-z0-9+.-]*:/i.test(value)) return false;
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
