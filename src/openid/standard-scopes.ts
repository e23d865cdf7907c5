/**
 * The scopes OpenID Connect Core §5.4 defines, with the claims each lets an app learn. `openid`
 * itself only says "sign the user in": it reveals `sub` and nothing else.
 */
export const SCOPE_CLAIMS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  openid: [],
  profile: ['name', 'family_name', 'given_name', 'middle_name', 'nickname', 'preferred_username', 'profile', 'picture',
    'website', 'gender', 'birthdate', 'zoneinfo', 'locale', 'updated_at'],
  email: ['email', 'email_verified'],
  address: ['address'],
  phone: ['phone_number', 'phone_number_verified'],
});

/** Every claim a scope can reveal, plus `sub`: the discovery document's `claims_supported`. */
export const CLAIMS_SUPPORTED: readonly string[] = Object.freeze(['sub', ...new Set(Object.values(SCOPE_CLAIMS).flat())]);

/** The claims the ID token carries about the token itself; a site's claims hook cannot set them. */
export const PROTOCOL_CLAIMS: ReadonlySet<string> = new Set([
  'iss', 'sub', 'aud', 'exp', 'iat', 'nbf', 'jti', 'auth_time', 'nonce', 'acr', 'amr', 'azp', 'at_hash', 'c_hash', 'sid', 'cnf',
]);
