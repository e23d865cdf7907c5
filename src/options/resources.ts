/** One protected API of the site (RFC 9728 / RFC 8707). */
export interface ProtectedResource {
  /**
   * The resource indicator clients send as `resource`, compared by exact string: an absolute https
   * URL (http only on localhost, 127.0.0.1 or [::1]) with no query or fragment, e.g. `https://forum.example/api`.
   */
  identifier: string;
  /** `scopes_supported` in its metadata. @default every scope of the site */
  scopes?: string[];
  /** `resource_documentation` in its metadata: a page for developers about the API. */
  documentation?: string;
  /**
   * Client ids of the resource servers (clients flagged `resourceServer`) that serve this API. A
   * resource server named under some resources introspects only tokens for them, and tokens bound
   * to no resource (which every API accepts); one named nowhere introspects every live token.
   */
  resourceServers?: string[];
}
