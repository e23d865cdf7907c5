import { invalidRequest, invalidScope } from './errors';
import type { ResolvedOptions } from './options';

/** `scope` (RFC 6749, space-separated) and `scopes` (guides 000/003, comma-separated) both parse here. */
export function parseScopeList(value: string | undefined): string[] {
  if (!value) return [];
  return [...new Set(value.split(/[\s,]+/).filter(Boolean))];
}

/** Space-separated for `scope` (RFC 6749 §3.3), comma-separated for `scopes` (guide 000). */
export function formatScopes(scopes: readonly string[]): { scope: string; scopes: string } {
  return { scope: scopes.join(' '), scopes: scopes.join(',') };
}

/** Reads `scope` or `scopes`; both at once is one parameter given twice (RFC 6749 §3.1), refused. */
export function requestedScopeParam(params: Record<string, string>): string | undefined {
  if (params.scope !== undefined && params.scopes !== undefined) throw invalidRequest('Send either `scope` or `scopes`, not both.');
  return params.scope ?? params.scopes;
}

/**
 * The scopes an authorization request gets (IO-6): every requested scope must be one the site
 * defines and one the client may ask for; no scope at all means the site's `defaultScopes`.
 */
export function resolveRequestedScopes(raw: string | undefined, options: ResolvedOptions, clientScopes: readonly string[] | null): string[] {
  const requested = parseScopeList(raw);
  const scopes = requested.length > 0 ? requested : [...(options.defaultScopes ?? [])];
  if (scopes.length === 0) throw invalidScope('No scope was requested and the site has no default scope.');
  for (const scope of scopes) {
    if (!options.scopes.has(scope)) throw invalidScope(`Unknown scope: ${scope.length <= 40 ? scope : `${scope.slice(0, 40)}…`}`);
    if (clientScopes && !clientScopes.includes(scope)) throw invalidScope(`This app may not ask for the scope: ${scope}`);
  }
  return scopes;
}

export function hasPersonalScope(scopes: readonly string[], options: ResolvedOptions): boolean {
  return scopes.some((s) => options.scopes.get(s)?.personal === true);
}
