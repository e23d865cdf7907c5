export { parseOptions, type CompatibilityOptions, type OAuthProviderOptions, type SiteUser } from './schema';
export { resolveOptions, type ResolvedOptions } from './resolve';
