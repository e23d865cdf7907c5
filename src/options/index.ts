export {
  parseOptions, type CompatibilityOptions, type LoginRequest, type OAuthProviderOptions, type OpenIdOptions, type ProtectedResource, type SiteUser, type UserClaims,
  type RegistrationOptions,
} from './schema';
export { resolveOptions, type ResolvedOpenId, type ResolvedOptions } from './resolve';
