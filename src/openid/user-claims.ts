import type { ResolvedOpenId, UserClaims } from '../options';
import { PROTOCOL_CLAIMS, SCOPE_CLAIMS } from './standard-scopes';

/**
 * The claims about a user an app may learn: those its granted scopes reveal, and those asked for by
 * name (`claims` request parameter), from what the site's `claims` hook returns. Protocol claims
 * (`sub`, `iss`, `nonce`, …) are the provider's alone: a hook cannot set them. Null when the hook
 * says the user does not exist.
 */
export async function releasedClaims(openid: ResolvedOpenId, userId: string, clientId: string, scopes: readonly string[],
  namedClaims: readonly string[]): Promise<UserClaims | null> {
  const all = await openid.claims(userId, { clientId, scopes: [...scopes] });
  if (all === null || all === undefined) return null;
  if (typeof all !== 'object') throw new TypeError('openid.claims must return an object or null');
  const allowed = new Set(namedClaims);
  for (const scope of scopes) for (const name of SCOPE_CLAIMS[scope] ?? []) allowed.add(name);
  const released: UserClaims = {};
  for (const name of allowed) {
    if (PROTOCOL_CLAIMS.has(name) || !Object.hasOwn(all, name)) continue;
    const value = all[name];
    if (value === undefined || value === null) continue;
    released[name] = name === 'updated_at' && value instanceof Date ? Math.floor(value.getTime() / 1000) : value;
  }
  return released;
}
