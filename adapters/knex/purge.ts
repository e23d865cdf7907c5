import type { Knex } from 'knex';
import { tableNames, type KnexStoreOptions } from './schema';

/**
 * Deletes every code, token, consent or device-page transaction, device authorization, pushed
 * request, grant, signing key and DPoP proof whose `expires_at` has passed, and returns how many rows went. SQL has no TTL, so a site calls
 * this now and then (a timer or a cron job); the stores never serve expired rows either way, this
 * only bounds table growth.
 * A revoked grant's row is its revocation marker: revokeGrant set its `expires_at` to at least
 * ten minutes after the revocation, so this keeps it for as long as the contract requires.
 */
export async function purgeExpired(knex: Knex, options: KnexStoreOptions = {}): Promise<number> {
  const t = tableNames(options);
  const now = Date.now();
  let removed = 0;
  for (const table of [t.codes, t.accessTokens, t.refreshTokens, t.authorizationRequests, t.deviceTransactions,
    t.deviceAuthorizations, t.pushedRequests, t.grants, t.signingKeys, t.dpopProofs]) {
    removed += await knex(table).where('expires_at', '<=', now).del();
  }
  return removed;
}
