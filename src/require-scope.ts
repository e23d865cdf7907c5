import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { parseGrantSecret } from './crypto';
import { BARE_TOKEN, BEARER, DPOP } from './http/authorization-header';
import { createBearerChallenge } from './answers/bearer-challenge';
import { sendDpopChallenge } from './answers/dpop-challenge';
import { refuseDpopRequest } from './dpop/resource-request';
import { metadataUrlOf } from './resources/identifier';
import { sendOAuthError } from './answers/json-error';
import { ConfigurationError, toOAuthError } from './errors';
import type { ProviderContext } from './provider-context';
import type { AccessTokenRecord } from './storage/records';

/** Who is calling, set by `requireScope` for the route's handler. */
export interface OAuthContext {
  /** null for a token a client got for itself (`client_credentials`): nobody's account is behind it. */
  userId: string | null;
  /** null for a personal access token. */
  clientId: string | null;
  scopes: string[];
  /** A stable, non-secret id of the access token (its hash). */
  tokenId: string;
  /**
   * The resources the token is for (RFC 8707 audience). Empty for a token asked for without
   * `resource`: such a token is accepted by every route, whatever resource it names.
   */
  audience: string[];
}

declare module 'express-serve-static-core' {
  interface Request {
    oauth?: OAuthContext;
  }
}

/**
 * The resource-server side: one header parse, one SHA-256, one store read (none when the token
 * cache holds the token), the site's `isUserActive` (cached for a few seconds), one scope check.
 * It answers RFC 6750 §3 errors itself; a store failure is a 503, never a 401 that would make
 * clients throw valid tokens away (M3).
 */
export function createRequireScope(options: ProviderContext) {
  const { tokens } = options.store;
  const cache = options.tokenCache;
  const activity = options.userActivity;
  const bareTokens = options.compat.bareTokenAuthorization;
  const plainChallenge = createBearerChallenge(options.realm);
  // A store failure is a 503, never a 401 that would make clients throw valid tokens away (M3).
  const unavailable = (res: Response, err: unknown) => sendOAuthError(res, toOAuthError(err, options.reportFailure));

  function requireScope(...args: RequireScopeArgs): RequestHandler {
    const last: unknown = args[args.length - 1];
    const routeOptions = typeof last === 'object' && last !== null ? last as RequireScopeOptions : null;
    const required = (routeOptions ? args.slice(0, -1) : args) as string[];
    for (const scope of required as unknown[]) {
      if (typeof scope !== 'string' || !options.scopes.has(scope)) {
        throw new ConfigurationError(`requireScope: ${JSON.stringify(scope)} is not one of the provider's scopes`);
      }
    }
    const forUser = routeOptions?.user === true;
    const resource = routeOptions?.resource ?? null;
    if (resource !== null && !options.resources.has(resource)) {
      throw new ConfigurationError(`requireScope: the resource ${JSON.stringify(resource)} is not in the provider's \`resources\``);
    }
    const challenge = resource === null ? plainChallenge : createBearerChallenge(options.realm, metadataUrlOf(resource));
    const origin = new URL(resource ?? options.issuer).origin;
    const needed = required.join(' ');
    const hasScopes = (scopes: readonly string[]) => {
      for (let i = 0; i < required.length; i += 1) if (!scopes.includes(required[i]!)) return false;
      return true;
    };

    return async function requireScopeMiddleware(req: Request, res: Response, next: NextFunction) {
      // RFC 6750 §2.3 / OAuth 2.1: a token in the URL leaks into logs and history; refuse it even when valid.
      // (Express 5 parses the query string on every read of req.query: read it once, and only if there is one.)
      if (req.url.includes('?')) {
        const query: unknown = req.query;
        if (query && typeof query === 'object' && 'access_token' in query) {
          challenge(res, 400, 'invalid_request', 'Send the access token in the Authorization header, not the URL.');
          return;
        }
      }
      const header = req.headers.authorization;
      const bodyToken = req.body && typeof req.body === 'object' && 'access_token' in (req.body as object);
      if (header === undefined) {
        if (bodyToken) challenge(res, 400, 'invalid_request', 'Send the access token in the Authorization header.');
        else challenge(res, 401, null, 'An access token is required.');
        return;
      }
      const dpopMatch = options.dpop === null ? null : DPOP.exec(header);
      const match = dpopMatch ?? BEARER.exec(header);
      const token = match ? match[1]! : bareTokens && BARE_TOKEN.test(header) ? header : null;
      if (token === null || bodyToken) {
        challenge(res, 400, 'invalid_request', 'Malformed Authorization header; expected "Bearer <token>".');
        return;
      }
      const parsed = parseGrantSecret(token);
      let record: AccessTokenRecord | null | undefined = null;
      if (parsed) {
        try {
          if (cache === null) {
            record = await tokens.getAccessToken(parsed.grantId, parsed.hash);
          } else {
            const now = Date.now();
            record = cache.get(parsed.grantId, parsed.hash, now);
            if (record === undefined) {
              const epoch = cache.epoch;
              record = await tokens.getAccessToken(parsed.grantId, parsed.hash);
              if (record) cache.add(record, epoch, Date.now());
            }
          }
        } catch (err) {
          unavailable(res, err);
          return;
        }
      }
      if (!record) {
        challenge(res, 401, 'invalid_token', 'The access token is invalid, expired or revoked.');
        return;
      }
      // A token bound to other resources is refused here; one bound to none is accepted (tokens from
      // before resource indicators, and clients that do not send them).
      if (resource !== null && record.resources.length > 0 && !record.resources.includes(resource)) {
        challenge(res, 401, 'invalid_token', 'The access token is not for this resource.');
        return;
      }
      if (record.jkt !== undefined || dpopMatch) {
        let refusal;
        try {
          refusal = await refuseDpopRequest(options, req, { scheme: dpopMatch ? 'DPoP' : 'Bearer', token, record, origin });
        } catch (err) {
          unavailable(res, err);
          return;
        }
        if (refusal) {
          sendDpopChallenge(res, refusal);
          return;
        }
      }
      if (record.userId === null) {
        // Checked before scope: however many scopes it carries, a client's own token has nobody to act for.
        if (forUser) {
          challenge(res, 403, 'insufficient_scope', USER_REQUIRED, needed || undefined);
          return;
        }
      } else if (activity) {
        // A user deleted or banned since consenting: the token is refused like a revoked one.
        let active: boolean;
        try {
          active = await activity.recent(record.userId);
        } catch (err) {
          unavailable(res, err);
          return;
        }
        if (!active) {
          challenge(res, 401, 'invalid_token', 'The access token is invalid, expired or revoked.');
          return;
        }
      }
      if (!hasScopes(record.scopes)) {
        challenge(res, 403, 'insufficient_scope', 'The access token does not carry the scope this request needs.', needed);
        return;
      }
      // A cached record is shared between requests: the handler gets its own arrays.
      const scopes = cache === null ? record.scopes : record.scopes.slice();
      const audience = cache === null ? record.resources : record.resources.slice();
      req.oauth = { userId: record.userId, clientId: record.clientId, scopes, tokenId: record.hash, audience };
      // H8: a response to a bearer-authenticated request is this user's, not for shared caches.
      res.setHeader('Cache-Control', 'no-store');
      next();
    };
  }
  return requireScope;
}

/** `requireScope('read')`, `requireScope('identity', { user: true })`, `requireScope('read', { resource: 'https://forum.example/api' })`. */
export type RequireScopeArgs = [...scopes: string[], options: RequireScopeOptions] | string[];

/** The last argument of `requireScope`. */
export interface RequireScopeOptions {
  /**
   * The route acts for a user (reads `req.oauth.userId`): a token a client got for itself with
   * `client_credentials` is refused with 403 `insufficient_scope`, whatever its scopes.
   */
  user?: boolean;
  /**
   * The route belongs to this registered resource (one of the `resources` option's identifiers):
   * a token bound to other resources is refused with 401 `invalid_token`, and every challenge
   * carries `resource_metadata` (RFC 9728). A token bound to no resource is still accepted.
   */
  resource?: string;
}

const USER_REQUIRED = 'This route acts for a user; a token issued to a client alone (client_credentials) cannot use it.';
