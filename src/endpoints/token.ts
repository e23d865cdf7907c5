import type { Request, RequestHandler, Response } from 'express';
import { invalidRequest, OAuthError, toOAuthError, unsupportedGrantType } from '../errors';
import { noStore, sendOAuthError } from '../answers/json-error';
import {
  CLIENT_CREDENTIALS_GRANT_TYPE, createGrants, DEVICE_CODE_GRANT_TYPE, GRANT_TYPE_ALIASES, prefetchGrantSecret,
  type GrantType, type IssuedTokens,
} from '../grants';
import type { Limits } from '../limits/limits';
import type { ResolvedOptions } from '../options';
import type { ProviderContext } from '../provider-context';
import { readBodyParams } from '../params';
import { authenticateNamedClient, readNamedClient } from './client-request';
import { tokenRequestKey } from '../dpop/token-request';
import { formatScopes, parseScopeList, requestedScopeParam } from '../scope';
import { parseResourceParam, takeResourceParam } from '../resources/parameter';

// Token parameters come only from the body (RFC 6749 §2.3.1: never a secret in the URI; N7).
const BODY_ONLY = [
  'grant_type', 'grand_type', 'code', 'redirect_uri', 'client_id', 'client_secret', 'refresh_token', 'code_verifier', 'scope', 'scopes', 'device_code',
  'resource',
];

/**
 * POST /token (and /grant): normalises the request (aliases, `scopes`, JSON bodies), refuses
 * duplicated or misplaced parameters, authenticates the client once, then runs the grant (one
 * file per grant type in src/grants/) and sends what it issued.
 */
export function tokenEndpoint(options: ProviderContext, limits: Limits): RequestHandler {
  const grants = createGrants(options);
  return async function token(req: Request, res: Response) {
    let grantType: GrantType | undefined;
    try {
      const credentials = await readNamedClient(req, limits, options, { json: true, ignoreHeaderBesideBodySecret: options.compat.ignoreAuthorizationWithBodySecret });
      // The rest is the client's business: once it has proved who it is, its mistakes count against it alone.
      let params: Record<string, string> | null = null;
      let resources: string[] = [];
      let malformed: unknown = null;
      try {
        const read = normalise(readBodyParams(req, BODY_ONLY, ['resource']), options);
        grantType = read.grant_type as GrantType;
        resources = parseResourceParam(takeResourceParam(req.body as unknown).values, options);
        params = read;
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
        const jkt = await tokenRequestKey(options, req, client);
        sendTokens(res, await grants[grantType!]({ params, client, resources, jkt, lookup }));
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

function sendTokens(res: Response, data: IssuedTokens): void {
  const expiresAt = Math.floor(data.accessTokenExpiresAt.getTime() / 1000);
  noStore(res);
  res.status(200).json({
    access_token: data.accessToken,
    token_type: data.tokenType,
    expires_in: Math.max(0, expiresAt - Math.floor(Date.now() / 1000)),
    expires_at: expiresAt,
    ...formatScopes(data.scope),
    ...(data.refreshToken ? { refresh_token: data.refreshToken } : {}),
    ...(data.idToken ? { id_token: data.idToken } : {}),
  });
}

/** The grant's own parameters, after the client is known: aliases resolved, `scopes` merged into `scope`. */
function normalise(body: Record<string, string>, options: ResolvedOptions): Record<string, string> {
  const params = { ...body };
  // The client is authenticated already: no grant needs its credentials.
  delete params.client_id;
  delete params.client_secret;
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
  // IO-15: no `password` grant, ever.
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
