import type { Request } from 'express';
import { OAuthError } from '../errors';
import type { SiteUser } from '../options';
import { refuseBracketNames, singleValuedParams } from '../params';
import type { ProviderContext } from '../provider-context';
import { requestedScopeParam, parseScopeList } from '../scope';
import type { OpenIdAuthentication } from '../storage/records';
import { RedirectError } from '../answers/browser-error';
import { clientRedirectUrl } from '../answers/client-redirect';
import {
  ACCOUNT_MARKER, LOGIN_MARKER, loginRequestOf, parseAuthenticationRequest, type AuthenticationRequest,
} from '../openid/authentication-request';
import { checkAuthentication } from '../openid/login-check';
import type { RawQuery, ValidatedRequest } from './authorization-request';
import { issueCode } from './code-issuance';
import { returnPath } from './return-path';

/** Where an OpenID Connect request goes after the checks: the consent page, or a redirect already decided. */
export type OpenIdStep =
  | { kind: 'consent'; authentication: OpenIdAuthentication | null }
  | { kind: 'answered'; location: string };

/**
 * Before login, a lenient read: the OpenID Connect request as sent, or null when it is not one or
 * cannot be read (its errors are reported once the user is signed in, like every other).
 */
export function wantsOpenId(raw: RawQuery, options: ProviderContext): AuthenticationRequest | null {
  if (!options.openid) return null;
  try {
    refuseBracketNames(Object.keys(raw.params));
    const params = singleValuedParams(raw.params);
    return parseScopeList(requestedScopeParam(params)).includes('openid') ? parseAuthenticationRequest(params) : null;
  } catch {
    return null;
  }
}

/**
 * The OpenID Connect part of GET /authorize, for a signed-in user and a request otherwise valid:
 * the login checks (openid/login-check.ts), then `prompt=none` answered at once, with a code when
 * the user already consented to everything asked, else `consent_required`.
 */
export async function openIdStep(req: Request, options: ProviderContext, request: ValidatedRequest, user: SiteUser): Promise<OpenIdStep> {
  if (!options.openid || !request.scopes.includes('openid')) return { kind: 'consent', authentication: null };
  const fail = (error: OAuthError) => new RedirectError(error, request.redirectUri, request.state);
  let auth: AuthenticationRequest;
  try {
    auth = parseAuthenticationRequest(request.params);
  } catch (err) {
    throw err instanceof OAuthError ? fail(err) : err;
  }
  const check = await checkAuthentication(options, auth, user);
  if (check.outcome === 'error') throw fail(check.error);
  if (check.outcome === 'login') {
    const back = returnPath(req, {
      dropPrompts: ['login', 'select_account'],
      set: check.freshLogin ? { [LOGIN_MARKER]: String(Math.floor(Date.now() / 1000)) } : { [ACCOUNT_MARKER]: '1' },
    });
    return { kind: 'answered', location: options.loginUrl(back, loginRequestOf(auth, check.freshLogin, check.selectAccount)) };
  }
  if (!auth.prompt.has('none')) return { kind: 'consent', authentication: check.authentication };

  if (request.responseType !== 'code') {
    throw fail(new OAuthError(400, 'interaction_required', '`prompt=none` is served for `response_type=code` only.'));
  }
  const userId = String(user.id);
  const grants = await options.store.tokens.listGrants({ userId, clientId: request.client.id });
  const consented = grants.some((g) => g.kind === 'authorization' && request.scopes.every((s) => g.scopes.includes(s)));
  if (!consented) throw fail(new OAuthError(400, 'consent_required', 'The user has not yet allowed this app everything it asks for.'));
  const issued = await issueCode(options, {
    userId, clientId: request.client.id, redirectUri: request.redirectUri, redirectUriSent: request.redirectUriSent,
    responseType: 'code', scopes: request.scopes, codeChallenge: request.codeChallenge, permanent: request.permanent,
    openid: check.authentication,
  });
  if (issued.kind !== 'code') throw new Error('prompt=none issued a PIN');
  return { kind: 'answered', location: clientRedirectUrl(request.redirectUri, { code: issued.code, state: request.state, iss: options.issuer }) };
}
