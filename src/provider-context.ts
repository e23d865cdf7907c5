import type { IdTokenKeys } from './keys/id-token-keys';
import type { ResolvedOptions } from './options';
import type { ClientStore } from './storage/client-store';
import type { TokenStore } from './storage/token-store';
import type { AccessTokenCache } from './token-cache';
import type { UserActivity } from './user-activity';

/**
 * What the router, endpoints, grants and requireScope receive: the resolved options, and what
 * createOAuthProvider builds once around the site's stores and hooks. Code that only reads
 * settings takes ResolvedOptions; code that stores, logs, emits or caches takes this.
 */
export interface ProviderContext extends ResolvedOptions {
  /** The site's stores; with a token cache, `tokens` also evicts from it on every revocation. */
  store: { clients: ClientStore; tokens: TokenStore };
  /** A warning about the deployment for the site owner (logger.warn, else the console). */
  warn: (message: string) => void;
  /** The site's `onEvent`, if any; a listener that throws does not fail the request. */
  emit: (event: string, payload: Record<string, unknown>) => void;
  /** Logs a store failure without anything from the request: driver messages can quote SQL values. */
  reportFailure: (err: unknown) => void;
  /** With `isUserActive`: the hook, and the few seconds of answers requireScope reuses. */
  userActivity: UserActivity | null;
  /** With `tokenCache`: the cache requireScope reads (and `store.tokens` evicts from it on every revocation). */
  tokenCache: AccessTokenCache | null;
  /** With `openid`: the keys that sign ID tokens, shared through the key store by every instance. */
  idTokenKeys: IdTokenKeys | null;
}
