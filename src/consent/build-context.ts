import type { ResolvedOptions } from '../options';
import type { ConsentContext } from './context';

type DescribedScope = ConsentContext['scopes'][number];

/** A scope in the site's words (its name when the site has no description for it). */
export function describeScope(options: ResolvedOptions, name: string): DescribedScope {
  return { name, description: options.scopes.get(name)?.description ?? name };
}

/**
 * What the consent page says the app will NOT be able to do: only the scopes the site marked
 * `showWhenWithheld` and the app did not ask for. Every other scope would bury the buttons below a
 * phone's fold under trivia; the few a site marks are the reassuring ones ("delete your posts").
 */
export function withheldScopes(options: ResolvedOptions, granted: readonly string[]): DescribedScope[] {
  const asked = new Set(granted);
  return [...options.scopes].filter(([name, def]) => def.showWhenWithheld && !asked.has(name)).map(([name]) => describeScope(options, name));
}
