export { parseOptions, type CompatibilityOptions, type OAuthProviderOptions } from './schema';
export type { LoginRequest, OpenIdOptions, SiteUser, UserClaims } from './openid';
export type { ProtectedResource } from './resources';
export type { RegistrationOptions } from './registration';
export type { ParOptions } from './par';
export { resolveOptions, type ResolvedOpenId, type ResolvedOptions } from './resolve';
