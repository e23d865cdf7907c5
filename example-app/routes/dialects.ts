import { Router, type Request, type RequestHandler } from 'express';
import type { ForumOAuth } from '../provider';

/**
 * The URLs the client dialects use (docs/client-dialects.md), besides the provider's own `/oauth/...`. Nothing
 * here speaks OAuth: each alias forwards to the one provider, so every check stays in one place.
 *
 * - 001 (rDrama): `GET /authorize/?client_id=X` and nothing else.
 * - 002 (sqowey): `/oauth2/auth`, `/oauth2/token`, `/oauth2/token/revoke`.
 * - 003 (wants-to.party): `POST /api/oauth/token` (mounted before the JSON API, see app.ts).
 * - 004 (pyimgur): `/oauth2/authorize`, `/oauth2/token`.
 */

/** The raw query string of the request, `?` included, or ''. */
function rawQuery(req: Request): string {
  const at = req.originalUrl.indexOf('?');
  return at >= 0 ? req.originalUrl.slice(at) : '';
}

/** A 302 to the provider's authorize endpoint with the query unchanged (plus `add` where absent). */
function toAuthorize(add: Record<string, string> = {}): RequestHandler {
  return function forwardToAuthorize(req, res) {
    const query = rawQuery(req);
    const params = new URLSearchParams(query);
    const extra = new URLSearchParams(Object.entries(add).filter(([name]) => !params.has(name)));
    const joined = [query.slice(1), extra.toString()].filter((part) => part !== '').join('&');
    res.setHeader('Cache-Control', 'no-store');
    res.redirect(302, `/oauth/authorize${joined ? `?${joined}` : ''}`);
  };
}

export function dialectRoutes(): Router {
  const router = Router();
  // 001's clients send only client_id and read an access token from the redirect's query. That
  // is the implicit grant, which OAuth 2.1 drops: this site owner chose to give it to the clients
  // of 001's own URL only, so `/oauth/authorize` keeps asking for an explicit response_type.
  // A request that names a response_type (code, say) keeps it.
  router.get(['/authorize', '/authorize/'], toAuthorize({ response_type: 'token' }));
  router.get(['/oauth2/auth', '/oauth2/authorize'], toAuthorize());
  return router;
}

const TOKEN_PATHS = new Set(['/token', '/revoke', '/token/revoke']);

/**
 * The provider's token and revocation endpoints under another prefix (`/api/oauth`, `/oauth2`);
 * anything else there falls through. The same router as `/oauth`, so rate limits are shared.
 */
export function tokenEndpointsOnly(oauth: ForumOAuth): RequestHandler {
  return function tokenEndpoints(req, res, next) {
    if (TOKEN_PATHS.has(req.path)) oauth.router(req, res, next);
    else next();
  };
}
