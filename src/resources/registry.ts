/** A protected resource (RFC 9728 / RFC 8707) as the resolved options hold it, and its metadata describes it. */
export interface ResolvedResource {
  identifier: string;
  scopes: readonly string[];
  documentation: string | null;
  /** Client ids of the resource servers tied to this resource (introspection sees only its tokens). */
  resourceServers: readonly string[];
}

/** What the resource code reads of the resolved options: the issuer, and the registered resources by identifier. */
export interface ResourceRegistry {
  issuer: string;
  resources: ReadonlyMap<string, ResolvedResource>;
}
