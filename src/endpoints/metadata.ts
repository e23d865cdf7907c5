import type { RequestHandler } from 'express';
import { CLIENT_CREDENTIALS_GRANT_TYPE } from '../grants';
import { DEVICE_CODE_GRANT_TYPE } from '../grants';
import type { ResolvedOptions } from '../options';

export const METADATA_PATH = '/.well-known/oauth-authorization-server';

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
export function authorizationServerMetadata(options: ResolvedOptions, routerPath: string) {
  const base = `${options.issuer}${routerPath}`;
  const implicit = options.compat.implicitGrant !== false;
  return Object.freeze({
    issuer: options.issuer,
    authorization_endpoint: `${base}/authorize`,
    token_endpoint: `${base}/token`,
    revocation_endpoint: `${base}/revoke`,
    introspection_endpoint: `${base}/introspect`,
    device_authorization_endpoint: `${base}/device_authorization`,
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
  });
}

export function metadataEndpoint(options: ResolvedOptions, routerPath: string): RequestHandler {
  const document = JSON.stringify(authorizationServerMetadata(options, routerPath));
  return function metadata(req, res, next) {
    if (req.path !== METADATA_PATH || (req.method !== 'GET' && req.method !== 'HEAD')) {
      next();
      return;
    }
    res.setHeader('Cache-Control', 'public, max-age=3600');
    res.type('json').send(document);
  };
}
