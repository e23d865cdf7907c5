import type { Request } from 'express';

/** What to change in the query of the path the user comes back to after logging in. */
export interface ReturnPathChanges {
  /** `prompt` values to take out (the parameter goes when none is left). */
  dropPrompts?: readonly string[];
  /** Parameters to set, replacing any of the same name. */
  set?: Record<string, string>;
}

/**
 * The path to come back to after login: this request's own, as sent. `req.originalUrl` is the raw
 * request target, which may be absolute-form (`GET http://evil.example/oauth/authorize`); `loginUrl`
 * is promised a local path (A7), so only the query is taken from it. Changes are made on the raw
 * pairs, so every other parameter comes back byte for byte.
 */
export function returnPath(req: Request, changes: ReturnPathChanges = {}): string {
  const url = req.originalUrl;
  const start = url.indexOf('?');
  const path = `${req.baseUrl}${req.path}`;
  const query = start >= 0 ? url.slice(start + 1) : '';
  if (!changes.dropPrompts && !changes.set) return query === '' && start < 0 ? path : `${path}?${query}`;
  const replaced = new Set(Object.keys(changes.set ?? {}));
  const pairs: string[] = [];
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = decodeOrRaw(eq < 0 ? pair : pair.slice(0, eq));
    if (replaced.has(name)) continue;
    if (name === 'prompt' && changes.dropPrompts) {
      const kept = decodeOrRaw(eq < 0 ? '' : pair.slice(eq + 1)).split(' ').filter((v) => v !== '' && !changes.dropPrompts!.includes(v));
      if (kept.length > 0) pairs.push(`prompt=${encodeURIComponent(kept.join(' '))}`);
      continue;
    }
    pairs.push(pair);
  }
  for (const [name, value] of Object.entries(changes.set ?? {})) pairs.push(`${encodeURIComponent(name)}=${encodeURIComponent(value)}`);
  return pairs.length > 0 ? `${path}?${pairs.join('&')}` : path;
}

function decodeOrRaw(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}
