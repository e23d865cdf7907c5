import { invalidRequest } from '../errors';
import type { OpenIdAuthentication } from '../storage/records';
import { CLAIMS_SUPPORTED } from './standard-scopes';

const MAX_LENGTH = 4096;
const MAX_NAMES = 64;
const CLAIM_NAME = /^[A-Za-z0-9_.:-]{1,64}$/;

/**
 * The `claims` request parameter (OpenID Connect Core §5.5): which individual claims go to the ID
 * token and to userinfo. Only the names are kept, and only those of the standard claims: each
 * asked-for claim the scopes would not reveal is released as if its scope had been granted (the
 * consent page lists it, with its value). `essential` and
 * `value(s)` need no handling here: a claim the site cannot supply is left out, as §5.5.1 allows.
 */
export function parseClaimsRequest(text: string | undefined): OpenIdAuthentication['claims'] {
  if (text === undefined) return null;
  if (text.length > MAX_LENGTH) throw invalidRequest(`\`claims\` is longer than ${MAX_LENGTH} characters.`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalidRequest('`claims` is not valid JSON.');
  }
  if (!isObject(parsed)) throw invalidRequest('`claims` must be a JSON object with `id_token` and/or `userinfo` members.');
  const names = (member: 'id_token' | 'userinfo'): string[] => {
    const requested = parsed[member];
    if (requested === undefined || requested === null) return [];
    if (!isObject(requested)) throw invalidRequest(`\`claims.${member}\` must be a JSON object.`);
    const claimNames = Object.keys(requested);
    if (claimNames.length > MAX_NAMES) throw invalidRequest(`\`claims.${member}\` names more than ${MAX_NAMES} claims.`);
    for (const name of claimNames) {
      if (!CLAIM_NAME.test(name)) throw invalidRequest(`\`claims.${member}\` names a claim that is not a plain claim name.`);
      const spec = requested[name];
      if (spec !== null && !isObject(spec)) throw invalidRequest(`\`claims.${member}.${name}\` must be null or a JSON object.`);
    }
    return claimNames;
  };
  // Only claims this provider describes (claims_supported): whatever else the site's hook returns
  // (roles, flags, internal ids) is never released by being named.
  const known = (list: string[]) => list.filter((name) => CLAIMS_SUPPORTED.includes(name) && name !== 'sub');
  const claims = { idToken: known(names('id_token')), userinfo: known(names('userinfo')) };
  return claims.idToken.length + claims.userinfo.length === 0 ? null : claims;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
