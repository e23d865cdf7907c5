import { parseGrantSecret } from '../crypto';
import type { ProviderContext } from '../provider-context';
import type { PrefetchedLookup } from './types';

/**
 * Starts reading the code or refresh token a token request presents, so that the read overlaps
 * with client authentication. A read has no effect; a failing one surfaces when the grant awaits it.
 */
export function prefetchGrantSecret(options: ProviderContext, params: Record<string, string>): PrefetchedLookup | undefined {
  const { tokens } = options.store;
  const started = <T>(promise: Promise<T>) => {
    promise.catch(() => undefined); // awaited later, or not at all when the client fails to authenticate
    return promise;
  };
  if (params.grant_type === 'authorization_code' && params.code) {
    const parsed = parseGrantSecret(params.code);
    return parsed ? { code: started(tokens.findCode(parsed.grantId, parsed.hash)) } : undefined;
  }
  if (params.grant_type === 'refresh_token' && params.refresh_token) {
    const parsed = parseGrantSecret(params.refresh_token);
    return parsed ? { refresh: started(tokens.findRefreshToken(parsed.grantId, parsed.hash)) } : undefined;
  }
  return undefined;
}
