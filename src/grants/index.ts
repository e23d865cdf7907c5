import type { ProviderContext } from '../provider-context';
import { authorizationCodeGrant } from './authorization-code';
import { CLIENT_CREDENTIALS_GRANT_TYPE, clientCredentialsGrant } from './client-credentials';
import { DEVICE_CODE_GRANT_TYPE, deviceCodeGrant } from './device-code';
import { pinGrant } from './pin';
import { refreshTokenGrant } from './refresh-token';
import type { Grant } from './types';

export { CLIENT_CREDENTIALS_GRANT_TYPE } from './client-credentials';
export { DEVICE_CODE_GRANT_TYPE, DEVICE_POLL_INTERVAL } from './device-code';
export { prefetchGrantSecret } from './prefetch';
export type { Grant, GrantRequest, IssuedTokens } from './types';

/** The grant types the token endpoint serves, each in its own file. */
export type GrantType = 'authorization_code' | 'refresh_token' | 'pin' | typeof DEVICE_CODE_GRANT_TYPE | typeof CLIENT_CREDENTIALS_GRANT_TYPE;

/** Every name a client may send as `grant_type`, with the grant it means. */
// No prototype: `grant_type=toString` must find nothing, not Object.prototype.toString.
export const GRANT_TYPE_ALIASES: Readonly<Record<string, GrantType>> = Object.assign(Object.create(null) as Record<string, GrantType>, {
  authorization_code: 'authorization_code',
  code: 'authorization_code', // guide 000
  refresh_token: 'refresh_token',
  refresh: 'refresh_token', // guide 000
  pin: 'pin', // guide 004
  [DEVICE_CODE_GRANT_TYPE]: DEVICE_CODE_GRANT_TYPE, // RFC 8628
  [CLIENT_CREDENTIALS_GRANT_TYPE]: CLIENT_CREDENTIALS_GRANT_TYPE, // RFC 6749 §4.4, for clients allowed it
});

/** The grants, built once per provider. */
export function createGrants(options: ProviderContext): Readonly<Record<GrantType, Grant>> {
  return {
    authorization_code: authorizationCodeGrant(options),
    refresh_token: refreshTokenGrant(options),
    pin: pinGrant(options),
    [DEVICE_CODE_GRANT_TYPE]: deviceCodeGrant(options),
    [CLIENT_CREDENTIALS_GRANT_TYPE]: clientCredentialsGrant(options),
  };
}
