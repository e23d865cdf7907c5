import { parseGrantSecret } from '../crypto';
import { invalidGrant, invalidScope } from '../errors';
import type { ProviderContext } from '../provider-context';
import { parseScopeList } from '../scope';
import { narrowResources } from '../resources/parameter';
import { issueUserTokens, spendsWithSave } from './issue';
import { runRefreshTokenGrant, type AcceptedRefreshToken } from './library';
import { revokeReusedGrant } from './reuse';
import type { Grant, GrantRequest } from './types';

/**
 * `grant_type=refresh_token` (RFC 6749 §6) with rotation and reuse detection (RFC 9700 §4.14.2):
 * a refresh token is single use, and one that comes back after it was rotated revokes its whole
 * grant. The library runs the steps in its order (find, check expiry, rotate, issue).
 *
 * Public clients always rotate; confidential clients keep their token when the site sets
 * `compat.refreshWithoutRotation` (guides 000 and 004), and the response then echoes it, because
 * client libraries (simple-oauth2) keep only what the last response carried (RFC 6749 §5.1 allows both).
 */
export function refreshTokenGrant(options: ProviderContext): Grant {
  // Where the store can, the presented token is spent in the same step as its successor is saved.
  const withSave = spendsWithSave(options, 'refresh');
  return async (request) => {
    const rotate = request.client.isPublic || !options.compat.refreshWithoutRotation;
    const parsed = rotate && withSave ? parseGrantSecret(request.params.refresh_token ?? '') : null;
    // An unreadable token is not found, and never reaches the save.
    const spend = parsed ? { kind: 'refresh' as const, hash: parsed.hash } : null;
    const issued = await runRefreshTokenGrant(
      { clientId: request.client.id, params: request.params, lifetimes: options.lifetimes },
      rotate,
      {
        find: (token) => findRefreshToken(options, request, token),
        rotate: async (token, owner) => (spend ? true : rotateRefreshToken(options, token, owner.clientId)),
        issue: (owner, scope, access, refresh) => issueUserTokens(options, request.client, owner, scope, access, refresh, false, request.jkt, spend),
      },
    );
    return issued.refreshToken ? issued : { ...issued, refreshToken: request.params.refresh_token! };
  };
}

async function findRefreshToken(options: ProviderContext, { params, client, resources, jkt, lookup }: GrantRequest,
  refreshToken: string): Promise<AcceptedRefreshToken | null> {
  const { tokens } = options.store;
  const parsed = parseGrantSecret(refreshToken);
  if (!parsed) return null;
  const found = await (lookup && 'refresh' in lookup && refreshToken === params.refresh_token
    ? lookup.refresh : tokens.findRefreshToken(parsed.grantId, parsed.hash));
  if (!found) return null;
  const record = found.record;
  if (record.clientId !== client.id) return null;

  if (found.used) {
    // Reuse: a rotated token came back; we cannot tell thief from client, so the family dies.
    await revokeReusedGrant(options, 'refresh.reused', record.grantId, client.id);
    return null;
  }
  // RFC 9449 §5: a bound refresh token works only with a proof of its key; refused before it is used up.
  if (record.jkt !== undefined && record.jkt !== jkt) {
    throw invalidGrant('Invalid grant: this refresh token is bound to a DPoP key; send a DPoP proof made with that key');
  }

  // The library checks scope only after rotating, so an escalation attempt would burn the
  // token (F3); refuse it before anything changes.
  // J3: scopes the site took from the client since issuance are left out of new access tokens.
  const allowed = client.scopes === null ? record.scopes : record.scopes.filter((s) => client.scopes!.includes(s));
  const requested = parseScopeList(params.scope);
  if (allowed.length === 0 || requested.some((s) => !allowed.includes(s))) {
    throw invalidScope('Invalid scope: a refresh cannot add scopes the grant does not have');
  }
  // Downscoping to some of the grant's resources (RFC 8707 §2.2), refused as early as scope is.
  const audience = narrowResources(record.resources, resources);
  return {
    // A grant that has a refresh token is a lasting one: its successor comes with the new access token.
    owner: {
      userId: record.userId, clientId: record.clientId, grantId: record.grantId, grantScopes: record.scopes, permanent: true, openid: null,
      grantResources: record.resources, audience,
    },
    scope: allowed,
    expiresAt: record.expiresAt,
  };
}

/** Retires the presented token; false, and its grant revoked, when a concurrent refresh rotated it first (decision 4). */
async function rotateRefreshToken(options: ProviderContext, refreshToken: string, clientId: string): Promise<boolean> {
  const parsed = parseGrantSecret(refreshToken);
  if (!parsed) return false;
  if (await options.store.tokens.consumeRefreshToken(parsed.grantId, parsed.hash)) return true;
  // Reuse again: the loser of a concurrent refresh presented a token that is already rotated.
  await revokeReusedGrant(options, 'refresh.reused', parsed.grantId, clientId);
  return false;
}
