import { parseGrantSecret } from '../crypto';
import { invalidGrant, invalidRequest, OAuthError } from '../errors';
import type { ProviderContext } from '../provider-context';
import type { DeviceAuthorizationRecord } from '../storage/records';
import { issueUserTokens, mintToken } from './issue';
import { revokeReusedGrant } from './reuse';
import type { Grant, IssuedTokens } from './types';

/** RFC 8628 §3.4. */
export const DEVICE_CODE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:device_code';

/** Seconds a device waits between polls at first; every `slow_down` adds this much again (RFC 8628 §3.5). */
export const DEVICE_POLL_INTERVAL = 5;

/** RFC 8628 §3.5 answers, all with status 400. */
const deviceError = (error: 'authorization_pending' | 'slow_down' | 'expired_token' | 'access_denied', description: string) =>
  new OAuthError(400, error, description);

/**
 * `grant_type=urn:ietf:params:oauth:grant-type:device_code` (RFC 8628 §3.4): the device polls
 * until its user answers on the device page. The library has no such grant.
 */
export function deviceCodeGrant(options: ProviderContext): Grant {
  const { tokens } = options.store;

  return async ({ params, client, resources, jkt }): Promise<IssuedTokens> => {
    // find
    const deviceCode = params.device_code;
    if (deviceCode === undefined || deviceCode === '') throw invalidRequest('Missing parameter: `device_code`');
    const parsed = parseGrantSecret(deviceCode);
    if (!parsed) throw invalidGrant('Invalid grant: `device_code` is invalid');
    const device = await tokens.findDeviceAuthorization(parsed);
    if (!device) throw deviceError('expired_token', 'The device code has expired; start the authorization again');
    // Another client's device code says nothing about it, and leaves its polling state alone.
    if (device.clientId !== client.id) throw invalidGrant('Invalid grant: `device_code` is invalid');

    // validate: has the user answered?
    const now = Date.now();
    await refuseUnlessApproved(options, device, now, client.id);

    // consume: of concurrent polls of an approved device code exactly one gets tokens.
    if (device.userId === null || !(await tokens.updateDeviceAuthorization(device.grantId, device.hash, 'approved',
      { status: 'used', lastPolledAt: new Date(now) }))) {
      throw invalidGrant('Invalid grant: the device code was already used');
    }

    // issue: the grant is the device code's own, so revoking it (the user's "authorized apps" page)
    // covers these tokens. No `permanent` parameter exists in this flow: a refresh token comes only
    // under refreshTokens 'always'. The device names its resources here, when it asks for the tokens.
    const owner = {
      userId: device.userId, clientId: client.id, grantId: device.grantId, grantScopes: device.scopes, permanent: false, openid: null,
      grantResources: resources, audience: resources,
    };
    return issueUserTokens(options, client, owner, device.scopes, mintToken(device.grantId, options.lifetimes.accessToken),
      mintToken(device.grantId, options.lifetimes.refreshToken), true, jkt);
  };
}

/** Throws the RFC 8628 §3.5 answer for a device code its user has not approved (yet). */
async function refuseUnlessApproved(options: ProviderContext, device: DeviceAuthorizationRecord, now: number, clientId: string): Promise<void> {
  const { tokens } = options.store;
  switch (device.status) {
    case 'pending': {
      const last = device.lastPolledAt?.getTime();
      if (last !== undefined && now - last < device.interval * 1000) {
        // The next poll must wait the longer interval, counted from this one.
        await tokens.updateDeviceAuthorization(device.grantId, device.hash, 'pending',
          { interval: device.interval + DEVICE_POLL_INTERVAL, lastPolledAt: new Date(now) });
        throw deviceError('slow_down', `Polling too fast: wait at least ${device.interval + DEVICE_POLL_INTERVAL} seconds between requests`);
      }
      await tokens.updateDeviceAuthorization(device.grantId, device.hash, 'pending', { lastPolledAt: new Date(now) });
      throw deviceError('authorization_pending', 'The user has not answered yet');
    }
    case 'denied':
      throw deviceError('access_denied', 'The user denied the request');
    case 'used':
      // Only the device has its device code: a second redemption means it leaked, so what the first issued dies.
      await revokeReusedGrant(options, 'device_code.reused', device.grantId, clientId);
      throw invalidGrant('Invalid grant: the device code was already used');
    case 'approved':
      return;
    default:
      throw invalidGrant('Invalid grant: `device_code` is invalid');
  }
}
