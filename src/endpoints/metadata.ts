import type { RequestHandler } from 'express';
import { DPOP_ALGORITHMS } from '../dpop/proof';
import { CLIENT_CREDENTIALS_GRANT_TYPE } from '../grants';
import { DEVICE_CODE_GRANT_TYPE } from '../grants';
import type { ResolvedOptions } from '../options';
import { CLAIMS_SUPPORTED } from '../openid/standard-scopes';

export const METADATA_PATH = '/.well-known/oauth-authorization-server';
/** OpenID Connect Discovery 1.0 §4, served only when OpenID Connect is on. */
export const OPENID_CONFIGURATION_PATH = '/.well-known/openid-configuration';

/**
 * RFC 8414 metadata. `routerPath` is where the site mounted `oauth.router`.
 *
 * It lists what this provider serves, and no more: `code`, plus the implicit `token` response
 * type and `implicit` grant only where `compat.implicitGrant` is on (off by default, so the
 * default stays `["code"]`, checklist item P1 in docs/security-checklist.md). Metadata describes the server, not one client: with
 * the option on, `token` is listed although only clients with `allowImplicit` may use it; the
 * others get `unauthorized_client` (RFC 6749 §4.2.2.1), as for any method a client is not allowed. The PIN (guide 004) is always served to confidential
 * clients, so its grant, `pin`, is listed in `grant_types_supported` (RFC 8414 lists extension
 * grants there too); `response_type=pin` is not listed in `response_types_supported`, whose
 * default P1 pins to `["code"]`, and no client of guide 004 reads metadata (see the README).
 * `client_credentials` is listed likewise: served to the confidential clients allowed it, answered
 * `unauthorized_client` for the rest.
 */
export function authorizationServerMetadata(options: ResolvedOptions, routerPath: string, signingAlgorithms: readonly string[] = []) {
  const base = `${options.issuer}${routerPath}`;
  const implicit = options.compat.implicitGrant !== false;
  return Object.freeze({
    ...oauthMetadata(options, base, implicit),
    ...(options.openid ? openIdMetadata(options, base, signingAlgorithms) : {}),
  });
}

function oauthMetadata(options: ResolvedOptions, base: string, implicit: boolean) {
  return {
    issuer: options.issuer,
    authorization_endpoint: `${base}/authorize`,
    token_endpoint: `${base}/token`,
    revocation_endpoint: `${base}/revoke`,
    introspection_endpoint: `${base}/introspect`,
    device_authorization_endpoint: `${base}/device_authorization`,
    pushed_authorization_request_endpoint: `${base}/par`,
    require_pushed_authorization_requests: options.par.required,
    ...(options.registration ? { registration_endpoint: `${base}/register` } : {}),
    scopes_supported: [...options.scopes.keys()],
    response_types_supported: implicit ? ['code', 'token'] : ['code'],
    // The implicit token goes in the fragment (RFC 6749 §4.2) or, for guide 001, the query.
    response_modes_supported: options.compat.implicitGrant === 'fragment' ? ['query', 'fragment'] : ['query'],
    grant_types_supported: [
      'authorization_code', 'refresh_token', DEVICE_CODE_GRANT_TYPE, 'pin', CLIENT_CREDENTIALS_GRANT_TYPE, ...(implicit ? ['implicit'] : []),
    ],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    authorization_response_iss_parameter_supported: true,
    ...(options.dpop ? { dpop_signing_alg_values_supported: [...DPOP_ALGORITHMS] } : {}),
  };
}

/**
 * What OpenID Connect Discovery 1.0 §3 adds; in both documents, so that a client reading either
 * learns the same. Only `code` is a response type: no ID token travels through the browser.
 */
function openIdMetadata(options: ResolvedOptions, base: string, signingAlgorithms: readonly string[]) {
  const openid = options.openid!;
  return {
    jwks_uri: `${base}/jwks`,
    userinfo_endpoint: `${base}/userinfo`,
    ...(openid.logout ? { end_session_endpoint: `${base}/logout` } : {}),
    id_token_signing_alg_values_supported: [...signingAlgorithms],
    subject_types_supported: [openid.subjects.type],
    claims_supported: [...CLAIMS_SUPPORTED, 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'acr', 'amr', 'azp', 'at_hash'],
    claim_types_supported: ['normal'],
    claims_parameter_supported: true,
    request_parameter_supported: false,
    request_uri_parameter_supported: false,
    prompt_values_supported: ['none', 'login', 'consent', 'select_account'],
  };
}

export function metadataEndpoint(options: ResolvedOptions, routerPath: string, signingAlgorithms: readonly string[] = []): RequestHandler {
  const document = JSON.stringify(authorizationServerMetadata(options, routerPath, signingAlgorithms));
  // Both paths serve one document: the same source cannot disagree with itself.
  const paths = options.openid ? [METADATA_PATH, OPENID_CONFIGURATION_PATH] : [METADATA_PATH];
  return function metadata(req, res, next) {
    if (!paths.includes(req.path) || (req.method !== 'GET' && req.method !== 'HEAD')) {
      next();
      return;
    }
    res.setHeader('Cache-Control', 'public, max-age=3600');
    res.type('json').send(document);
  };
}
