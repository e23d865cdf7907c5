import OAuth2Server from '@node-oauth/oauth2-server';
import type { Request, RequestHandler, Response } from 'express';
import { authenticateClient, readClientCredentials } from '../client-auth';
import { invalidRequest, toOAuthError, unsupportedGrantType } from '../errors';
import { noStore, sendOAuthError } from '../http/responses';
import { pinGrantType } from '../grant-types/pin';
import { DEVICE_CODE_GRANT_TYPE, deviceCodeGrantType } from '../grant-types/device-code';
import { createTokenModel, prefetchGrantSecret } from '../model';
import type { ResolvedOptions } from '../options';
import { readBodyParams } from '../params';
import { formatScopes, parseScopeList, requestedScopeParam } from '../scope';

const GRANT_TYPE_ALIASES: Record<string, string> = {
  authorization_code: 'authorization_code',
  code: 'authorization_code', // guide 000
  refresh_token: 'refresh_token',
  refresh: 'refresh_token', // guide 000
  pin: 'pin', // guide 004
  [DEVICE_CODE_GRANT_TYPE]: DEVICE_CODE_GRANT_TYPE, // RFC 8628
};

// Token parameters come only from the body (RFC 6749 §2.3.1: never a secret in the URI; N7).
const BODY_ONLY = ['grant_type', 'grand_type', 'code', 'redirect_uri', 'client_id', 'client_secret', 'refresh_token', 'code_verifier', 'scope', 'scopes', 'device_code'];

/**
 * POST /token (and /grant): our checks around @node-oauth/oauth2-server's token handler. We
 * normalise the request (aliases, `scopes`, JSON bodies), refuse duplicated or misplaced
 * parameters, authenticate the client ourselves, then let the library run the grant.
 */
export function tokenEndpoint(options: ResolvedOptions): RequestHandler {
  // Built once: the library would otherwise get new classes on every request (slower, and never optimised).
  const extendedGrantTypes = { pin: pinGrantType(options), [DEVICE_CODE_GRANT_TYPE]: deviceCodeGrantType(options) };
  return async function token(req: Request, res: Response) {
    try {
      const params = normalise(req, options);
      const credentials = readClientCredentials(req.get('authorization'), params, options.realm, options.compat.ignoreAuthorizationWithBodySecret);
      // The code or refresh token is read while the client is authenticated: two stores, one wait.
      // Reading changes nothing; everything that acts on the record waits for the client.
      const lookup = prefetchGrantSecret(options, params);
      const client = await authenticateClient(options.store.clients, credentials, options.realm);
      const model = createTokenModel(options, { params, client, lookup });
      const body: Record<string, string> = { ...params, client_id: client.id };
      delete body.client_secret;
      // type-is, which the library asks, sees a body only where a length is declared.
      const request = new OAuth2Server.Request({
        method: 'POST', query: {}, body,
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(new URLSearchParams(body).toString().length) },
      });
      const rotate = client.isPublic || !options.compat.refreshWithoutRotation;
      const data = await new OAuth2Server({ model } as never).token(request, new OAuth2Server.Response(), {
        accessTokenLifetime: options.lifetimes.accessToken,
        refreshTokenLifetime: options.lifetimes.refreshToken,
        alwaysIssueNewRefreshToken: rotate,
        extendedGrantTypes,
        // Client authentication is already done above, with the right error for each method.
        requireClientAuthentication: { authorization_code: false, refresh_token: false, pin: false, [DEVICE_CODE_GRANT_TYPE]: false },
      } as never);
      sendTokens(res, data as unknown as IssuedTokens);
    } catch (err) {
      const error = toOAuthError(err, options.reportFailure);
      // A device polling while its user decides is following the protocol, not failing (RFC 8628 §3.5).
      if (error.error === 'authorization_pending') res.locals.countsAsFailure = false;
      sendOAuthError(res, error);
    }
  };
}

interface IssuedTokens {
  accessToken: string;
  accessTokenExpiresAt: Date;
  refreshToken?: string;
  scope: string[];
}

function sendTokens(res: Response, data: IssuedTokens): void {
  const expiresAt = Math.floor(data.accessTokenExpiresAt.getTime() / 1000);
  noStore(res);
  res.status(200).json({
    access_token: data.accessToken,
    token_type: 'Bearer',
    expires_in: Math.max(0, expiresAt - Math.floor(Date.now() / 1000)),
    expires_at: expiresAt,
    ...formatScopes(data.scope),
    ...(data.refreshToken ? { refresh_token: data.refreshToken } : {}),
  });
}

function normalise(req: Request, options: ResolvedOptions): Record<string, string> {
  const params = readBodyParams(req, BODY_ONLY);
  const grandType = options.compat.grandType ? params.grand_type : undefined;
  if (grandType !== undefined) {
    if (params.grant_type !== undefined) throw invalidRequest('Send either `grant_type` or `grand_type`, not both.');
    params.grant_type = grandType;
  }
  delete params.grand_type;
  // Guide 003 refreshes "with the above endpoint", the refresh token taking the code's place.
  if (grandType !== undefined && params.grant_type === 'refresh_token' && params.refresh_token === undefined && params.code !== undefined) {
    params.refresh_token = params.code;
    delete params.code;
  }
  if (params.grant_type === undefined) throw invalidRequest('Missing parameter: `grant_type`.');
  const grantType = GRANT_TYPE_ALIASES[params.grant_type];
  // IO-15: the library also knows `password` and `client_credentials`; they never reach it.
  if (!grantType) throw unsupportedGrantType(`Supported grant types: authorization_code, refresh_token, pin, ${DEVICE_CODE_GRANT_TYPE}.`);
  params.grant_type = grantType;
  const scope = requestedScopeParam(params);
  delete params.scopes;
  if (scope !== undefined) params.scope = parseScopeList(scope).join(' ');
  if (params.scope === '') delete params.scope;
  return params;
}
