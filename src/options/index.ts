export { parseOptions, type OAuthProviderOptions } from './schema';
export type { CompatibilityOptions } from './compat';
export type { LoginRequest, OpenIdOptions, SiteUser, UserClaims } from './openid';
export type { ProtectedResource } from './resources';
export type { RegistrationOptions } from './registration';
export type { DpopOptions } from './dpop';
export type { ParOptions } from './par';
export { resolveOptions, type ResolvedOpenId, type ResolvedOptions } from './resolve';
