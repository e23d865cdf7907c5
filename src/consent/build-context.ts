import type { ClientRecord } from '../storage/records';
import type { ResolvedOptions } from '../options';
import type { ConsentContext } from '../pages/types';

type DescribedScope = ConsentContext['scopes'][number];

/** A scope in the site's words (its name when the site has no description for it). */
function describeScope(options: ResolvedOptions, name: string): DescribedScope {
  return { name, description: options.scopes.get(name)?.description ?? name };
}

/**
 * What the consent page says the app will NOT be able to do: only the scopes the site marked
 * `showWhenWithheld` and the app did not ask for. Every other scope would bury the buttons below a
 * phone's fold under trivia; the few a site marks are the reassuring ones ("delete your posts").
 */
function withheldScopes(options: ResolvedOptions, granted: readonly string[]): DescribedScope[] {
  const asked = new Set(granted);
  return [...options.scopes].filter(([name, def]) => def.showWhenWithheld && !asked.has(name)).map(([name]) => describeScope(options, name));
}

/** The part of a consent page that is the same for every flow: who asks, for whom, for what. */
export function consentSubject(options: ResolvedOptions, client: ClientRecord, ownerName: string | null,
  user: ConsentContext['user'], scopes: readonly string[], claims: ConsentContext['claims'] = []): Pick<ConsentContext, 'client' | 'user' | 'scopes' | 'withheldScopes' | 'claims' | 'issuer'> {
  return {
    claims,
    client: { id: client.id, name: client.name, description: client.description, ownerId: client.ownerId, ownerName },
    user,
    scopes: scopes.map((name) => describeScope(options, name)),
    withheldScopes: withheldScopes(options, scopes),
    issuer: options.issuer,
  };
}
