import type { ClientRecord } from '../storage/records';

/**
 * The scopes of a consent page that the client may no longer ask for: the site took them away
 * while the page was open. The answer then refuses rather than narrows, because the user agreed
 * to the set shown and the app asked for all of it.
 */
export function withdrawnScopes(client: ClientRecord, scopes: readonly string[]): string[] {
  const allowed = client.scopes;
  return allowed === null ? [] : scopes.filter((scope) => !allowed.includes(scope));
}
