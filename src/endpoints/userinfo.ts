import type { Request, RequestHandler, Response } from 'express';
import { parseGrantSecret } from '../crypto';
import { toOAuthError } from '../errors';
import { createBearerChallenge } from '../answers/bearer-challenge';
import { sendOAuthError } from '../answers/json-error';
import type { ProviderContext } from '../provider-context';
import { subjectFor } from '../openid/subject';
import { releasedClaims } from '../openid/user-claims';

/**
 * RFC 6750 §2.2: a POSTed form may carry the token as `access_token`. The UserInfo endpoint accepts
 * it there (OpenID Connect Core §5.3.1); it becomes the Authorization header requireScope reads,
 * and a request with both is refused by requireScope as ambiguous.
 */
export const userinfoBodyToken: RequestHandler = (req, _res, next) => {
  const body = req.body as Record<string, unknown> | undefined;
  if (req.headers.authorization === undefined && typeof body?.access_token === 'string') {
    req.headers.authorization = `Bearer ${body.access_token}`;
    delete body.access_token;
  }
  next();
};

/**
 * GET and POST /userinfo (OpenID Connect Core §5.3), behind `requireScope('openid', { user: true })`:
 * `sub` and the claims the token's scopes and the `claims` request parameter release, the same as
 * the ID token carries. A user the site no longer knows gets `invalid_token`.
 */
export function userinfoEndpoint(options: ProviderContext): RequestHandler {
  const openid = options.openid!;
  const challenge = createBearerChallenge(options.realm);
  return async function userinfo(req: Request, res: Response) {
    const context = req.oauth!;
    if (context.clientId === null) {
      challenge(res, 403, 'insufficient_scope', 'UserInfo answers tokens issued to an app, not personal access tokens.', 'openid');
      return;
    }
    try {
      const token = /^\S+\s+(\S+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
      const grantId = parseGrantSecret(token)?.grantId;
      const grant = grantId ? await options.store.tokens.getGrant(grantId) : null;
      const claims = await releasedClaims(openid, context.userId!, context.clientId, context.scopes, grant?.openid?.claims?.userinfo ?? []);
      if (claims === null) {
        challenge(res, 401, 'invalid_token', 'The access token is invalid, expired or revoked.');
        return;
      }
      res.json({ ...claims, sub: subjectFor(openid, context.userId!, context.clientId) });
    } catch (err) {
      sendOAuthError(res, toOAuthError(err, options.reportFailure));
    }
  };
}
