import type { Request, RequestHandler, Response } from 'express';
import { parseGrantSecret } from '../crypto';
import { invalidRequest, toOAuthError } from '../errors';
import { noStore, sendOAuthError } from '../answers/json-error';
import type { Limits } from '../limits/limits';
import type { ProviderContext } from '../provider-context';
import { authenticateNamedClient, readNamedClient, readTokenForm } from './client-request';

/**
 * POST /revoke (RFC 7009). Unknown tokens still answer 200 (§2.2); another client's token is
 * refused and left alone (decision 11); a refresh token takes its whole grant with it (§2.1).
 * `token_type_hint` only orders the look-ups, so a wrong hint changes nothing (I3). A client that
 * proves itself is never refused by a limiter: revoking is what a client does when something
 * went wrong, including when someone else has been failing to authenticate in its name.
 */
export function revokeEndpoint(options: ProviderContext, limits: Limits): RequestHandler {
  const { tokens } = options.store;
  return async function revoke(req: Request, res: Response) {
    try {
      const credentials = await readNamedClient(req, limits, options);
      const client = await authenticateNamedClient(req, limits, options, credentials, { refuseWhileLimited: false });
      const parsed = parseGrantSecret(readTokenForm(req).token);
      if (parsed) {
        const access = await tokens.getAccessToken(parsed.grantId, parsed.hash);
        const refresh = access ? null : await tokens.findRefreshToken(parsed.grantId, parsed.hash);
        const owner = access ? access.clientId : refresh?.record.clientId;
        if (owner !== undefined && owner !== client.id) throw invalidRequest('The client is not authorized to revoke the presented token.');
        if (access) {
          await tokens.revokeAccessToken(parsed.grantId, parsed.hash);
          options.emit('token.revoked', { grantId: parsed.grantId, clientId: client.id, type: 'access_token' });
        } else if (refresh) {
          await tokens.revokeGrant(parsed.grantId);
          options.emit('grant.revoked', { grantId: parsed.grantId, clientId: client.id, reason: 'refresh_token_revoked' });
        }
      }
      noStore(res);
      // RFC 7009 §2.2 leaves the body open; client libraries parse it as JSON.
      res.status(200).json({});
    } catch (err) {
      sendOAuthError(res, toOAuthError(err, options.reportFailure));
    }
  };
}
