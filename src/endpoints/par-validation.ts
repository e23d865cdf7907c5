import { invalidRequest, OAuthError } from '../errors';
import { parseAuthenticationRequest } from '../openid/authentication-request';
import type { ResolvedOptions } from '../options';
import { PageError, RedirectError } from '../answers/browser-error';
import { targetFor, validateRest, type RawQuery } from './authorization-request';
import type { ClientRecord } from '../storage/records';

/**
 * Checks a pushed request with the code /authorize runs on a plain one (redirect URI, response
 * type, scopes, PKCE, state, resources, OpenID Connect parameters), so that what /par accepts
 * /authorize accepts too. What /authorize would show as a page or redirect becomes the OAuthError
 * /par answers in JSON (RFC 9126 §2.3).
 */
export function validatePushedRequest(raw: RawQuery, client: ClientRecord, options: ResolvedOptions): void {
  // RFC 9126 §2.1: a push carries the parameters themselves, not a reference to them.
  if (raw.params.request_uri !== undefined) throw invalidRequest('`request_uri` cannot be pushed: push the parameters themselves.');
  if (raw.params.request !== undefined) throw new OAuthError(400, 'request_not_supported', 'Request objects (`request`) are not supported; push the parameters themselves.');
  try {
    const request = validateRest(raw, targetFor(client, raw), options);
    if (options.openid && request.scopes.includes('openid')) parseAuthenticationRequest(request.params);
  } catch (err) {
    if (err instanceof PageError) throw invalidRequest(err.message);
    if (err instanceof RedirectError) throw err.oauth;
    throw err;
  }
}
