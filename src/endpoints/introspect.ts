import type { Request, RequestHandler, Response } from 'express';
import { parseGrantSecret } from '../crypto';
import { toOAuthError } from '../errors';
import { noStore, sendOAuthError } from '../http/responses';
import type { ResolvedOptions } from '../options';
import { formatScopes } from '../scope';
import { readAuthenticatedClientRequest } from './client-request';

/**
 * POST /introspect (RFC 7662). A client learns about its own tokens only; anything else is
 * `{"active":false}`, so a leaked token cannot be probed through some other registered app.
 */
export function introspectEndpoint(options: ResolvedOptions): RequestHandler {
  const { tokens } = options.store;
  return async function introspect(req: Request, res: Response) {
    try {
      const { client, params } = await readAuthenticatedClientRequest(req, options);
      const parsed = parseGrantSecret(params.token!);
      let body: Record<string, unknown> = { active: false };
      if (parsed) {
        const access = params.token_type_hint === 'refresh_token' ? null : await tokens.getAccessToken(parsed.grantId, parsed.hash);
        const refresh = access ? null : (await tokens.findRefreshToken(parsed.grantId, parsed.hash));
        const record = access ?? (refresh && !refresh.used ? refresh.record : null);
        if (record && record.clientId === client.id) {
          body = {
            active: true,
            scope: formatScopes(record.scopes).scope,
            client_id: record.clientId,
            sub: record.userId,
            exp: Math.floor(record.expiresAt.getTime() / 1000),
            token_type: access ? 'Bearer' : 'refresh_token',
            iss: options.issuer,
          };
        }
      }
      // Probing unknown tokens through introspection counts against the rate limit like a failure.
      if (body.active === false) res.locals.countsAsFailure = true;
      noStore(res);
      res.status(200).json(body);
    } catch (err) {
      sendOAuthError(res, toOAuthError(err, options.reportFailure));
    }
  };
}
