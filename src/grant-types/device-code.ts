import OAuth2Server from '@node-oauth/oauth2-server';
import { parseGrantSecret } from '../crypto';
import type { ResolvedOptions } from '../options';

/** RFC 8628 §3.4. */
export const DEVICE_CODE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:device_code';

/** Seconds a device waits between polls at first; every `slow_down` adds this much again (RFC 8628 §3.5). */
export const DEVICE_POLL_INTERVAL = 5;

/** RFC 8628 §3.5 answers: protocol errors with status 400, kept by `toOAuthError` as they are. */
const deviceError = (name: 'authorization_pending' | 'slow_down' | 'expired_token' | 'access_denied', message: string) =>
  new OAuth2Server.OAuthError(message, { code: 400, name });

/**
 * The device_code grant as an extended grant type of @node-oauth/oauth2-server, so that the
 * library still runs client handling, token generation and the response. Built from the provider's options: the
 * class needs the store and the event hook, which the library does not pass.
 */
export function deviceCodeGrantType(options: ResolvedOptions) {
  const { tokens } = options.store;

  return class DeviceCodeGrantType extends OAuth2Server.AbstractGrantType {
    // Set by the library's constructor; its typings leave it out.
    declare model: { saveToken: (token: object, client: OAuth2Server.Client, user: object) => Promise<OAuth2Server.Token> };

    async handle(request: OAuth2Server.Request, client: OAuth2Server.Client) {
      const deviceCode: unknown = request.body.device_code;
      if (typeof deviceCode !== 'string' || deviceCode === '') throw new OAuth2Server.InvalidRequestError('Missing parameter: `device_code`');
      const parsed = parseGrantSecret(deviceCode);
      if (!parsed) throw new OAuth2Server.InvalidGrantError('Invalid grant: `device_code` is invalid');
      const device = await tokens.findDeviceAuthorization(parsed);
      if (!device) throw deviceError('expired_token', 'The device code has expired; start the authorization again');
      // Another client's device code says nothing about it, and leaves its polling state alone.
      if (device.clientId !== client.id) throw new OAuth2Server.InvalidGrantError('Invalid grant: `device_code` is invalid');

      const now = Date.now();
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
          await tokens.revokeGrant(device.grantId);
          options.emit('device_code.reused', { grantId: device.grantId, clientId: client.id });
          throw new OAuth2Server.InvalidGrantError('Invalid grant: the device code was already used');
        case 'approved':
          break;
        default:
          throw new OAuth2Server.InvalidGrantError('Invalid grant: `device_code` is invalid');
      }
      // Of concurrent polls of an approved device code exactly one gets tokens.
      if (device.userId === null || !(await tokens.updateDeviceAuthorization(device.grantId, device.hash, 'approved',
        { status: 'used', lastPolledAt: new Date(now) }))) {
        throw new OAuth2Server.InvalidGrantError('Invalid grant: the device code was already used');
      }
      // The grant is the device code's own, so revoking it (the user's "authorized apps" page) covers these tokens.
      // No `permanent` parameter exists in this flow: a refresh token comes only under refreshTokens 'always'.
      const user = { id: device.userId, grantId: device.grantId, grantScopes: device.scopes, permanent: false };
      const scope = device.scopes;
      return this.model.saveToken({
        accessToken: await this.generateAccessToken(client, user, scope),
        accessTokenExpiresAt: this.getAccessTokenExpiresAt(),
        refreshToken: await this.generateRefreshToken(client, user, scope),
        refreshTokenExpiresAt: this.getRefreshTokenExpiresAt(),
        scope,
      }, client, user);
    }
  };
}
