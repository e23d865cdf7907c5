import type { Request, RequestHandler, Response } from 'express';
import { hashSecret, mintGrantSecret, randomId } from '../crypto';
import { OAuthError, temporarilyUnavailable, toOAuthError } from '../errors';
import { DEVICE_POLL_INTERVAL } from '../grants';
import { noStore, sendOAuthError } from '../answers/json-error';
import type { Limits } from '../limits/limits';
import type { ResolvedOptions } from '../options';
import type { ProviderContext } from '../provider-context';
import { readBodyParams } from '../params';
import { requestedScopeParam, resolveRequestedScopes } from '../scope';
import { generateShortCode, normalizeShortCode } from '../short-code';
import { authenticateNamedClient, readNamedClient } from './client-request';

// As at the token endpoint: client credentials and the request never travel in the URI.
const BODY_ONLY = ['client_id', 'client_secret', 'scope', 'scopes'];
/** Draws of a user code before giving up: a live duplicate is already improbable once. */
const USER_CODE_ATTEMPTS = 5;

/** Where the user types the code: the device page of this router. */
export function verificationUri(options: ResolvedOptions): string {
  return `${options.issuer}${options.routerPath}/device`;
}

/**
 * POST /device_authorization (RFC 8628 §3.1–3.2): a device asks to be authorized. The client
 * authenticates exactly as at the token endpoint (a public client sends only `client_id`); the
 * scopes are checked as at the authorization endpoint. The answer carries the device code (to
 * poll the token endpoint with) and the user code (to type at `verification_uri`); the store
 * keeps only their hashes. A public client's id is all it takes to store one, so what is stored
 * is capped per address and client and site-wide.
 */
export function deviceAuthorizationEndpoint(options: ProviderContext, limits: Limits): RequestHandler {
  const { tokens } = options.store;

  return async function deviceAuthorization(req: Request, res: Response) {
    try {
      const client = await authenticateNamedClient(req, limits, options, await readNamedClient(req, limits, options, { json: true }));
      let scopes: string[];
      try {
        // A self-registered app's grant_types are authorization_code and refresh_token (RFC 7591 §2):
        // it never asked for the device grant, and nobody reviewed it for one.
        if (client.origin === 'registration') {
          throw new OAuthError(400, 'unauthorized_client', 'This app registered itself without the device grant; it may not use it.');
        }
        scopes = resolveRequestedScopes(requestedScopeParam(readBodyParams(req, BODY_ONLY)), options, client.scopes);
      } catch (err) {
        await limits.clientError(req, client);
        throw err;
      }
      await limits.deviceAuthorization(req, client);

      let userCode: string | null = null;
      for (let attempt = 0; attempt < USER_CODE_ATTEMPTS && userCode === null; attempt += 1) {
        const drawn = generateShortCode();
        if (!(await tokens.findDeviceAuthorization({ userCodeHash: userCodeHash(drawn)! }))) userCode = drawn;
      }
      if (userCode === null) throw temporarilyUnavailable();

      const grantId = randomId();
      const deviceCode = mintGrantSecret(grantId);
      const lifetime = options.lifetimes.deviceCode;
      await tokens.saveDeviceAuthorization({
        hash: deviceCode.hash, grantId, userCodeHash: userCodeHash(userCode)!, clientId: client.id, scopes,
        status: 'pending', userId: null, interval: DEVICE_POLL_INTERVAL, lastPolledAt: null,
        expiresAt: new Date(Date.now() + lifetime * 1000),
      });
      options.emit('device.requested', { clientId: client.id, grantId, scopes });
      const uri = verificationUri(options);
      noStore(res);
      res.status(200).json({
        device_code: deviceCode.value,
        user_code: userCode,
        verification_uri: uri,
        verification_uri_complete: `${uri}?user_code=${encodeURIComponent(userCode)}`,
        expires_in: lifetime,
        interval: DEVICE_POLL_INTERVAL,
      });
    } catch (err) {
      sendOAuthError(res, toOAuthError(err, options.reportFailure));
    }
  };
}

/** What the store keeps of a user code: the SHA-256 of its normalised form; null when it cannot be one. */
export function userCodeHash(typed: unknown): string | null {
  if (typeof typed !== 'string' || typed.length > 32) return null;
  const normalised = normalizeShortCode(typed);
  return normalised === null ? null : hashSecret(normalised);
}
