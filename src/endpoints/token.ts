import OAuth2Server from '@node-oauth/oauth2-server';
import type { Request, RequestHandler, Response } from 'express';
import { invalidRequest, OAuthError, toOAuthError, unsupportedGrantType } from '../errors';
import { noStore, sendOAuthError } from '../http/responses';
import { pinGrantType } from '../grant-types/pin';
import { DEVICE_CODE_GRANT_TYPE, deviceCodeGrantType } from '../grant-types/device-code';
import { CLIENT_CREDENTIALS_GRANT_TYPE, clientCredentialsGrantType } from '../grant-types/client-credentials';
import type { Limits } from '../limits/limits';
import { createTokenModel, prefetchGrantSecret, type PrefetchedLookup } from '../model';
import type { ResolvedOptions } from '../options';
import { readBodyParams } from '../params';
import type { ClientRecord } from '../storage/records';
import { authenticateNamedClient, readNamedClient } from './client-request';
import { formatScopes, parseScopeList, requestedScopeParam } from '../scope';

const GRANT_TYPE_ALIASES: Record<string, string> = {
  authorization_code: 'authorization_code',
  code: 'authorization_code', // guide 000
  refresh_token: 'refresh_token',
  refresh: 'refresh_token', // guide 000
  pin: 'pin', // guide 004
  [DEVICE_CODE_GRANT_TYPE]: DEVICE_CODE_GRANT_TYPE, // RFC 8628
  [CLIENT_CREDENTIALS_GRANT_TYPE]: CLIENT_CREDENTIALS_GRANT_TYPE, // RFC 6749 §4.4, for clients allowed it
};

// Token parameters come only from the body (RFC 6749 §2.3.1: never a secret in the URI; N7).
const BODY_ONLY = ['grant_type', 'grand_type', 'code', 'redirect_uri', 'client_id', 'client_secret', 'refresh_token', 'code_verifier', 'scope', 'scopes', 'device_code'];

/**
 * POST /token (and /grant): our checks around @node-oauth/oauth2-server's token handler. We
 * normalise the request (aliases, `scopes`, JSON bodies), refuse duplicated or misplaced
 * parameters, authenticate the client ourselves, then let the library run the grant.
 */
export function tokenEndpoint(options: ResolvedOptions, limits: Limits): RequestHandler {
  // Built once: the library would otherwise get new classes on every request (slower, and never optimised).
  const extendedGrantTypes = {
    pin: pinGrantType(options), [DEVICE_CODE_GRANT_TYPE]: deviceCodeGrantType(options),
    [CLIENT_CREDENTIALS_GRANT_TYPE]: clientCredentialsGrantType(options),
  };
  return async function token(req: Request, res: Response) {
    let grantType: string | undefined;
    try {
      const credentials = await readNamedClient(req, limits, options, { json: true, ignoreHeaderBesideBodySecret: options.compat.ignoreAuthorizationWithBodySecret });
      // The rest is the client's business: once it has proved who it is, its mistakes count against it alone.
      let params: Record<string, string> | null = null;
      let malformed: unknown = null;
      try {
        params = normalise(readBodyParams(req, BODY_ONLY), options);
        grantType = params.grant_type;
      } catch (err) {
        malformed = err;
      }
      // The code or refresh token is read while the client is authenticated: two stores, one wait.
      // Reading changes nothing; everything that acts on the record waits for the client.
      const lookup = params ? prefetchGrantSecret(options, params) : undefined;
      const client = await authenticateNamedClient(req, limits, options, credentials);
      try {
        if (!params) throw malformed;
        // A PIN is short: its guess is spent before it is read, and refunded when it was right.
        const refundPin = grantType === 'pin' ? await limits.pinGuess(req, client) : null;
        const issued = await runGrant(options, extendedGrantTypes, client, params, lookup);
        // A client that refreshes without rotation keeps its token: it is echoed, because client
        // libraries (simple-oauth2) keep only what the last response carried (RFC 6749 §5.1 allows both).
        if (grantType === 'refresh_token' && !issued.refreshToken && params.refresh_token) issued.refreshToken = params.refresh_token;
        sendTokens(res, issued);
        await refundPin?.();
      } catch (err) {
        const error = toOAuthError(err, options.reportFailure);
        // A device polling while its user decides is following the protocol (RFC 8628 §3.5); a
        // wrong PIN was counted above; a store failure is nobody's mistake.
        if (!NOT_A_MISTAKE.has(error.error) && grantType !== 'pin' && error.status < 500) await limits.clientError(req, client);
        throw error;
      }
    } catch (err) {
      const error = toOAuthError(err, options.reportFailure);
      // Polling too often is `slow_down` in the device flow's own words (RFC 8628 §3.5).
      sendOAuthError(res, error.status === 429 && grantType === DEVICE_CODE_GRANT_TYPE ? asSlowDown(error) : error);
    }
  };
}

const NOT_A_MISTAKE = new Set(['authorization_pending', 'slow_down']);

function asSlowDown(error: OAuthError): OAuthError {
  return new OAuthError(429, 'slow_down', error.message, { ...error.headers });
}

async function runGrant(options: ResolvedOptions, extendedGrantTypes: Record<string, unknown>, client: ClientRecord,
  params: Record<string, string>, lookup: PrefetchedLookup | undefined): Promise<IssuedTokens> {
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
    // Client authentication is already done, with the right error for each method.
    requireClientAuthentication: {
      authorization_code: false, refresh_token: false, pin: false, [DEVICE_CODE_GRANT_TYPE]: false, [CLIENT_CREDENTIALS_GRANT_TYPE]: false,
    },
  } as never);
  return data as unknown as IssuedTokens;
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

/** The grant's own parameters, after the client is known: aliases resolved, `scopes` merged into `scope`. */
function normalise(body: Record<string, string>, options: ResolvedOptions): Record<string, string> {
  const params = { ...body };
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
  // IO-15: the library also knows `password`; it never reaches it (`client_credentials` is our own class).
  if (!grantType) {
    throw unsupportedGrantType(`Supported grant types: authorization_code, refresh_token, pin, ${DEVICE_CODE_GRANT_TYPE}, ${CLIENT_CREDENTIALS_GRANT_TYPE}.`);
  }
  params.grant_type = grantType;
  const scope = requestedScopeParam(params);
  delete params.scopes;
  if (scope !== undefined) params.scope = parseScopeList(scope).join(' ');
  if (params.scope === '') delete params.scope;
  return params;
}
