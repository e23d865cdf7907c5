import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { parseGrantSecret } from './crypto';
import { ConfigurationError, temporarilyUnavailable } from './errors';
import type { ResolvedOptions } from './options';

/** Who is calling, set by `requireScope` for the route's handler. */
export interface OAuthContext {
  userId: string;
  /** null for a personal access token. */
  clientId: string | null;
  scopes: string[];
  /** A stable, non-secret id of the access token (its hash). */
  tokenId: string;
}

declare module 'express-serve-static-core' {
  interface Request {
    oauth?: OAuthContext;
  }
}

// RFC 6750 §2.1 b64token.
const BEARER = /^bearer +([A-Za-z0-9\-._~+/]+=*)$/i;
const BARE_TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/**
 * The resource-server side: one header parse, one SHA-256, one store read, one scope check.
 * It answers RFC 6750 §3 errors itself; a store failure is a 503, never a 401 that would make
 * clients throw valid tokens away (M3).
 */
export function createRequireScope(options: ResolvedOptions) {
  const { tokens } = options.store;
  const realm = `Bearer realm="${options.realm}"`;

  const challenge = (res: Response, status: number, error: string | null, description: string, scope?: string) => {
    const parts = [realm];
    if (error) parts.push(`error="${error}"`, `error_description="${description}"`);
    if (scope) parts.push(`scope="${scope}"`);
    res.setHeader('WWW-Authenticate', parts.join(', '));
    res.setHeader('Cache-Control', 'no-store');
    // RFC 6750 §3.1: a request without credentials gets no error code, in the body as in the header
    // (`unauthorized` is not a registered OAuth error; the fuzz in test/security/fuzz.test.ts checks).
    res.status(status).json(error ? { error, error_description: description } : { error_description: description });
  };

  return function requireScope(...required: string[]): RequestHandler {
    for (const scope of required) {
      if (!options.scopes.has(scope)) throw new ConfigurationError(`requireScope: "${scope}" is not one of the provider's scopes`);
    }
    const needed = required.join(' ');

    return async function requireScopeMiddleware(req: Request, res: Response, next: NextFunction) {
      // RFC 6750 §2.3 / OAuth 2.1: a token in the URL leaks into logs and history; refuse it even when valid.
      if (req.query && typeof req.query === 'object' && 'access_token' in req.query) {
        challenge(res, 400, 'invalid_request', 'Send the access token in the Authorization header, not the URL.');
        return;
      }
      const header = req.headers.authorization;
      const bodyToken = req.body && typeof req.body === 'object' && 'access_token' in (req.body as object);
      if (header === undefined) {
        if (bodyToken) challenge(res, 400, 'invalid_request', 'Send the access token in the Authorization header.');
        else challenge(res, 401, null, 'An access token is required.');
        return;
      }
      const match = BEARER.exec(header) ?? (options.compat.bareTokenAuthorization && BARE_TOKEN.test(header) ? [header, header] : null);
      if (!match || bodyToken) {
        challenge(res, 400, 'invalid_request', 'Malformed Authorization header; expected "Bearer <token>".');
        return;
      }
      const parsed = parseGrantSecret(match[1]!);
      let record = null;
      if (parsed) {
        try {
          record = await tokens.getAccessToken(parsed.grantId, parsed.hash);
        } catch (err) {
          options.reportFailure(err);
          const unavailable = temporarilyUnavailable();
          res.setHeader('Retry-After', unavailable.headers['Retry-After']!);
          res.setHeader('Cache-Control', 'no-store');
          res.status(503).json(unavailable.toJSON());
          return;
        }
      }
      if (!record) {
        challenge(res, 401, 'invalid_token', 'The access token is invalid, expired or revoked.');
        return;
      }
      if (!required.every((scope) => record.scopes.includes(scope))) {
        challenge(res, 403, 'insufficient_scope', 'The access token does not carry the scope this request needs.', needed);
        return;
      }
      req.oauth = { userId: record.userId, clientId: record.clientId, scopes: record.scopes, tokenId: record.hash };
      // H8: a response to a bearer-authenticated request is this user's, not for shared caches.
      res.setHeader('Cache-Control', 'no-store');
      next();
    };
  };
}
