/**
 * The storage contract, as adapters and sites see it: an adapter imports from here and nothing
 * else in src/, so the provider's internals can move without breaking a store.
 */
export type {
  ClientRecord, ClientStatus, GrantRecord, AuthorizationRequestRecord, AuthorizationCodeRecord,
  AccessTokenRecord, RefreshTokenRecord, Found, DeviceAuthorizationRecord, DeviceAuthorizationStatus, DeviceTransactionRecord,
  PendingClientChange, OpenIdAuthentication, ClientOrigin, ClientRegistration, TokenEndpointAuthMethod, PushedRequestRecord,
} from './records';
export type { ClientStore, ClientFilter, ClientChanges } from './client-store';
export type { TokenStore, GrantFilter, DeviceAuthorizationLookup, DeviceAuthorizationChanges, RedeemResult } from './token-store';
export type { KeyStore, SigningKeyRecord, SigningAlgorithm, PublicJwk } from './key-store';
export type { RevocationChannel, RevocationEvent, RevocationListener } from './revocations';
export { announceRevocations, REVOCATION_MEMORY_MS } from './revocations';
export { copyRecord } from './copy-record';
