import type { Request } from 'express';
import { invalidRequest, OAuthError, unsupportedResponseType } from '../errors';
import type { ResolvedOptions } from '../options';
import type { ProviderContext } from '../provider-context';
import { isVisibleAscii, refuseBracketNames, safeName, singleValuedParams } from '../params';
import { parseScopeList, requestedScopeParam, resolveRequestedScopes } from '../scope';
import { PageError, RedirectError } from '../answers/browser-error';
import type { ClientRecord } from '../storage/records';
import { isRegisteredRedirectUri } from '../services/native-redirects';
import { parseResourceParam, takeResourceParam } from '../resources/parameter';
import { registrationExpired } from '../services/clients/records';

export interface TrustedTarget {
  client: ClientRecord;
  redirectUri: string;
  redirectUriSent: boolean;
  /** null when absent, or when it cannot be echoed (duplicated or malformed). */
  state: string | null;
}

export interface ValidatedRequest extends TrustedTarget {
  responseType: 'code' | 'pin' | 'token';
  scopes: string[];
  codeChallenge: string | null;
  permanent: boolean;
  /** RFC 8707 resource indicators (`resource`, may repeat), each registered; empty when none was sent. */
  resources: string[];
  /** RFC 9449 §10 `dpop_jkt` (with the `dpop` option, for a code): the key the code's exchange must prove. */
  dpopJkt: string | null;
  /** Every parameter but `resource`, each sent once: what OpenID Connect reads next (openid/authentication-request.ts). */
  params: Record<string, string>;
}

const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

function single(raw: Record<string, unknown>, name: string): string | undefined | 'duplicate' {
  const value = raw[name];
  if (value === undefined || value === '') return undefined;
  return typeof value === 'string' ? value : 'duplicate';
}

/** Step 1: the client and where answers may go. Anything wrong here is a page, not a redirect. */
export async function resolveTarget(query: RawQuery, options: ProviderContext): Promise<TrustedTarget> {
  if (query.malformed.includes('client_id')) throw new PageError(400, 'Invalid request', 'The request\'s client_id is not correctly encoded.');
  const clientId = single(query.params, 'client_id');
  if (clientId === undefined) throw new PageError(400, 'Missing app', 'The request does not say which app is asking (client_id).');
  if (clientId === 'duplicate') throw new PageError(400, 'Invalid request', 'The request names client_id more than once.');
  const client = clientId.length <= 200 ? await options.store.clients.get(clientId) : null;
  if (client?.status === 'pending' && !registrationExpired(client, Date.now())) {
    throw new PageError(403, 'Awaiting review', 'This app awaits the site\'s review. It can ask for access once an administrator of this site approves it.');
  }
  if (!client || client.status !== 'approved') throw new PageError(400, 'Unknown app', 'This app is not registered here, or it is not enabled.');
  return targetFor(client, query);
}

/**
 * Where answers to this client may go: its redirect URI (exact match, or one of its loopback
 * URIs on any port) and the `state` to echo. Shared by /authorize and /par (after client authentication).
 */
export function targetFor(client: ClientRecord, query: RawQuery): TrustedTarget {
  const raw = query.params;
  if (query.malformed.includes('redirect_uri')) throw new PageError(400, 'Invalid request', 'The request\'s redirect_uri is not correctly encoded.');
  const given = single(raw, 'redirect_uri');
  if (given === 'duplicate') throw new PageError(400, 'Invalid request', 'The request names redirect_uri more than once.');
  let redirectUri: string;
  if (given === undefined) {
    // IO-10: omitting it is only unambiguous when exactly one URI is registered.
    if (client.redirectUris.length !== 1) throw new PageError(400, 'Invalid request', 'The request must say which registered redirect URI to use.');
    redirectUri = client.redirectUris[0]!;
  } else {
    if (!isRegisteredRedirectUri(client, given)) throw new PageError(400, 'Invalid redirect URI', 'The redirect URI is not one this app registered.');
    redirectUri = given;
  }
  const state = single(raw, 'state');
  const echoable = typeof state === 'string' && state !== 'duplicate' && isVisibleAscii(state) && state.length <= 2048
    && !query.malformed.includes('state');
  return { client, redirectUri, redirectUriSent: given !== undefined, state: echoable ? state : null };
}

/** Step 2 (after the user is known): everything else, answered through the redirect URI. */
export function validateRest(query: RawQuery, target: TrustedTarget, options: ResolvedOptions): ValidatedRequest {
  const fail = (error: OAuthError) => new RedirectError(error, target.redirectUri, target.state);
  const [broken] = query.malformed;
  if (broken !== undefined) throw fail(invalidRequest(`Parameter \`${safeName(broken)}\` is not correctly percent-encoded.`));
  let params: Record<string, string>;
  let resources: string[];
  try {
    refuseBracketNames(Object.keys(query.params));
    const { values, rest } = takeResourceParam(query.params);
    params = singleValuedParams(rest);
    resources = parseResourceParam(values, options);
  } catch (err) {
    throw fail(err as OAuthError);
  }
  if (params.state !== undefined && target.state === null) throw fail(invalidRequest('`state` may hold only visible ASCII characters.'));

  // Guide 000's clients leave it out; an OpenID Connect request must say it (Core §3.1.2.1).
  const openIdRequest = options.openid !== null && parseScopeList(requestedScopeParam(params)).includes('openid');
  const responseType = params.response_type ?? (options.compat.defaultResponseTypeCode && !openIdRequest ? 'code' : undefined);
  if (responseType === undefined) throw fail(invalidRequest('Missing parameter: `response_type`.'));
  if (!(responseType === 'code' || responseType === 'pin' || (responseType === 'token' && options.compat.implicitGrant !== false))) {
    throw fail(unsupportedResponseType('Supported response types: code, pin.'));
  }
  // A PIN is redeemed with the client's secret and no PKCE: a public client has neither.
  if (responseType === 'pin' && target.client.isPublic) throw fail(new OAuthError(400, 'unauthorized_client', 'Public clients cannot use `response_type=pin`.'));
  // A self-registered app's response_types are `code` only (RFC 7591 §2): it never asked for a PIN.
  if (responseType === 'pin' && target.client.origin === 'registration') {
    throw fail(new OAuthError(400, 'unauthorized_client', 'This app registered itself for `response_type=code` only; it may not use `response_type=pin`.'));
  }
  // The site's switch says how an implicit token travels; each client still needs the admin's
  // `allowImplicit`, and a public client never gets it (code + PKCE serves browser apps).
  if (responseType === 'token' && !(target.client.allowImplicit && !target.client.isPublic)) {
    throw fail(new OAuthError(400, 'unauthorized_client', 'This app may not use `response_type=token`; use `response_type=code`.'));
  }

  let scopes: string[];
  try {
    scopes = resolveRequestedScopes(requestedScopeParam(params), options, target.client.scopes);
  } catch (err) {
    throw fail(err as OAuthError);
  }

  const challenge = responseType === 'code' ? params.code_challenge ?? null : null;
  const method = params.code_challenge_method;
  if (challenge === null) {
    if (method !== undefined && responseType === 'code') throw fail(invalidRequest('`code_challenge_method` was sent without `code_challenge`.'));
    if (responseType === 'code' && (target.client.isPublic || options.requirePkce === 'all')) {
      throw fail(invalidRequest('PKCE is required: send `code_challenge` with `code_challenge_method=S256`.'));
    }
  } else {
    // RFC 7636 defaults a missing method to `plain`, which hides nothing; only S256 is accepted.
    if (method !== 'S256') throw fail(invalidRequest('`code_challenge_method` must be S256.'));
    if (!S256_CHALLENGE.test(challenge)) throw fail(invalidRequest('`code_challenge` must be 43 base64url characters (RFC 7636).'));
  }
  // A thumbprint is a base64url SHA-256; where DPoP is off the parameter means nothing and is ignored.
  const dpopJkt = options.dpop !== null && responseType === 'code' ? params.dpop_jkt ?? null : null;
  if (dpopJkt !== null && !/^[A-Za-z0-9_-]{43}$/.test(dpopJkt)) throw fail(invalidRequest('`dpop_jkt` must be a JWK SHA-256 thumbprint: 43 base64url characters (RFC 9449 §10).'));
  return { ...target, responseType, scopes, codeChallenge: challenge, permanent: params.permanent === 'true', resources, dpopJkt, params };
}

/** The authorization request's query as sent: a repeated name becomes an array (refused later). */
export interface RawQuery {
  params: Record<string, string | string[]>;
  /** Names whose percent-encoding is broken (`%ZZ`, a cut `%E0%A4%A`, invalid UTF-8). */
  malformed: string[];
}

/**
 * Parses the query itself rather than reading `req.query`: Express decodes a broken escape
 * leniently (`%ZZ` stays as text) and the host app may have chosen a parser that builds objects
 * from brackets; neither may decide what an authorization request says (N4, N8).
 */
export function rawQuery(req: Request): RawQuery {
  const url = req.originalUrl || req.url;
  const start = url.indexOf('?');
  const params: Record<string, string | string[]> = Object.create(null);
  const malformed: string[] = [];
  if (start < 0) return { params, malformed };
  for (const pair of url.slice(start + 1).split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = formDecode(eq < 0 ? pair : pair.slice(0, eq));
    const value = formDecode(eq < 0 ? '' : pair.slice(eq + 1));
    if (name === null || value === null) {
      malformed.push(name ?? '');
      continue;
    }
    const previous = params[name];
    params[name] = previous === undefined ? value : [previous, value].flat();
  }
  return { params, malformed };
}

function formDecode(text: string): string | null {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}
