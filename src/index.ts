export { createOAuthProvider } from './provider';
export type { OAuthProvider } from './provider';
export type {
  OAuthProviderOptions, CompatibilityOptions, SiteUser, OpenIdOptions, LoginRequest, UserClaims, ProtectedResource, RegistrationOptions, DpopOptions, ParOptions,
} from './options';
export type { ConsentContext, PageContext, PageKind, RenderPage } from './pages/types';
export type { OAuthContext, RequireScopeArgs, RequireScopeOptions } from './require-scope';
export type { TokenCacheOptions } from './token-cache';
export type { ClientCacheOptions } from './client-cache';
export { OAuthError, ConfigurationError, ValidationError, NotFoundError } from './errors';
export type {
  ClientStore, ClientFilter, ClientChanges, TokenStore, GrantFilter, DeviceAuthorizationLookup, DeviceAuthorizationChanges,
  ClientRecord, ClientStatus, GrantRecord, AuthorizationRequestRecord, AuthorizationCodeRecord, AccessTokenRecord,
  RefreshTokenRecord, Found, DeviceAuthorizationRecord, DeviceAuthorizationStatus, DeviceTransactionRecord, PendingClientChange,
  RevocationChannel, RevocationEvent, RevocationListener, KeyStore, SigningKeyRecord, SigningAlgorithm, PublicJwk, OpenIdAuthentication,
  ClientOrigin, ClientRegistration, TokenEndpointAuthMethod, PushedRequestRecord, RedeemResult,
} from './storage';
export { announceRevocations, REVOCATION_MEMORY_MS } from './storage';
export type { ApprovalOptions, ClientService, ClientView, ClientRequest, ClientUpdate, ClientPermissions } from './services/clients';
export type { GrantService, AuthorizedApp } from './services/grants';
export type { TokenService, PersonalToken } from './services/personal-tokens';
