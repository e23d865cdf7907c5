import type { Request, RequestHandler, Response } from 'express';
import { parseGrantSecret } from '../crypto';
import { invalidClient, toOAuthError } from '../errors';
import { noStore, sendOAuthError } from '../answers/json-error';
import type { Limits } from '../limits/limits';
import type { ProviderContext } from '../provider-context';
import { formatScopes } from '../scope';
import { authenticateNamedClient, readNamedClient, readTokenForm } from './client-request';

/**
 * POST /introspect (RFC 7662), for resource servers, which are registered confidential clients.
 *
 * - The caller must authenticate (§2.1): HTTP Basic or `client_id` + `client_secret` in the form,
 *   exactly as at /revoke. A public client has nothing to prove itself with (its id is public), so
 *   it gets 401 `invalid_client`, as does a wrong secret (with a Basic challenge when Basic was tried).
 * - A client learns about its own tokens only; anything else is `{"active":false}` (§4 allows
 *   refusing), so a leaked token cannot be probed through some other registered app. A client the
 *   site flagged as a resource server (`resourceServer`) learns about every live token, personal
 *   access tokens included: it serves the API those tokens are presented to. Tied to some of the
 *   site's resources (`resources[].resourceServers`), it learns only of tokens those APIs accept.
 * - `token_type_hint` only orders the look-ups (§2.1): a token of the other type is still found.
 */
export function introspectEndpoint(options: ProviderContext, limits: Limits): RequestHandler {
  const { tokens } = options.store;

  async function findAccess(grantId: string, hash: string) {
    const access = await tokens.getAccessToken(grantId, hash);
    // RFC 9449 §6.2: a bound access token is of type DPoP.
    return access ? { record: access, tokenType: access.jkt === undefined ? 'Bearer' : 'DPoP' } : null;
  }
  async function findRefresh(grantId: string, hash: string) {
    const refresh = await tokens.findRefreshToken(grantId, hash);
    // A rotated (used) refresh token is dead.
    return refresh && !refresh.used ? { record: refresh.record, tokenType: 'refresh_token' } : null;
  }

  /**
   * A resource server tied to some resources (their `resourceServers`) is told only of tokens for
   * them, or for no resource in particular; one tied to none serves the whole site's API.
   */
  function servesTokenOf(clientId: string, audience: readonly string[]): boolean {
    const tied = [...options.resources.values()].filter((r) => r.resourceServers.includes(clientId));
    return tied.length === 0 || audience.length === 0 || tied.some((r) => audience.includes(r.identifier));
  }

  return async function introspect(req: Request, res: Response) {
    try {
      const client = await authenticateNamedClient(req, limits, options, await readNamedClient(req, limits, options));
      const params = readTokenForm(req);
      if (client.isPublic) throw invalidClient('Introspection requires client authentication; a public client cannot use it.');
      // A resource server sees every live token; an inactive answer to it is an answer, not a guess.
      const callerIsResourceServer = client.resourceServer;
      const parsed = parseGrantSecret(params.token!);
      let body: Record<string, unknown> = { active: false };
      if (parsed) {
        const [first, second] = params.token_type_hint === 'refresh_token' ? [findRefresh, findAccess] : [findAccess, findRefresh];
        const found = (await first(parsed.grantId, parsed.hash)) ?? (await second(parsed.grantId, parsed.hash));
        if (found && (found.record.clientId === client.id || (callerIsResourceServer && servesTokenOf(client.id, found.record.resources)))) {
          const { record } = found;
          body = {
            active: true,
            scope: formatScopes(record.scopes).scope,
            // A personal access token belongs to no client: the member is left out (RFC 7662 makes it optional).
            ...(record.clientId === null ? {} : { client_id: record.clientId }),
            // A client_credentials token acts for no user: no `sub` (RFC 7662 makes it optional too).
            ...(record.userId === null ? {} : { sub: record.userId }),
            // RFC 7662 §2.2 / RFC 8707: the resources the token is for; none when it was asked for without any.
            ...(record.resources.length === 0 ? {} : { aud: record.resources.length === 1 ? record.resources[0] : record.resources }),
            // RFC 9449 §6.2: the key a bound token needs a proof of.
            ...(record.jkt === undefined ? {} : { cnf: { jkt: record.jkt } }),
            exp: Math.floor(record.expiresAt.getTime() / 1000),
            token_type: found.tokenType,
            iss: options.issuer,
          };
        }
      }
      // Another client probing for tokens that are not its own is guessing; a resource server checking
      // what it was sent (revoked, expired, garbage) is doing its job.
      if (body.active === false && !callerIsResourceServer) await limits.clientError(req, client);
      noStore(res);
      res.status(200).json(body);
    } catch (err) {
      sendOAuthError(res, toOAuthError(err, options.reportFailure));
    }
  };
}
