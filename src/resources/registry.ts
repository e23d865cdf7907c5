/** A protected resource (RFC 9728 / RFC 8707) as the resolved options hold it, and its metadata describes it. */
export interface ResolvedResource {
  identifier: string;
  scopes: readonly string[];
  documentation: string | null;
}

/** What the resource code reads of the resolved options: the issuer, and the registered resources by identifier. */
export interface ResourceRegistry {
  issuer: string;
  resources: ReadonlyMap<string, ResolvedResource>;
}
