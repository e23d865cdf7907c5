import type { ResolvedOptions } from '../options';

/** The name of a client's owner for the consent page, or null: a lookup that fails hides the line, it never breaks the page. */
export async function clientOwnerName(options: ResolvedOptions, ownerId: string | null): Promise<string | null> {
  if (ownerId === null || !options.clientOwnerName) return null;
  try {
    const name = await options.clientOwnerName(ownerId);
    return typeof name === 'string' && name.trim() !== '' ? name.trim() : null;
  } catch {
    return null;
  }
}
