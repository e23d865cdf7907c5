import type { TokenStore } from './token-store';

/**
 * What instances tell each other: one access token revoked, a whole grant revoked, or a client
 * changed (its cached record must go: see `clientCache`).
 */
export type RevocationEvent =
  | { type: 'access'; grantId: string; hash: string }
  | { type: 'grant'; grantId: string }
  | { type: 'client'; clientId: string };

export interface RevocationListener {
  /** A revocation published by any instance (this one included). */
  event(event: RevocationEvent): void;
  /** Events may have been missed (the subscription dropped): forget everything cached. */
  reset(): void;
}

/**
 * How the instances of a site tell each other about revocations, so that each one's token cache
 * drops a revoked token at once. `redisRevocationChannel` (adapters/redis) is one on Redis pub/sub.
 */
export interface RevocationChannel {
  /** Tells every subscribed instance. A rejection is reported, not thrown: the revocation itself is done. */
  publish(event: RevocationEvent): Promise<void>;
  /** Calls the listener for every event from now on; returns a function that stops it. */
  subscribe(listener: RevocationListener): () => void;
  /**
   * False while events could be missed (not subscribed yet, or disconnected). The cache then
   * adds nothing, and it was emptied when the subscription dropped (`reset`).
   */
  readonly ready: boolean;
}

/**
 * How long a store remembers a revocation at least. A code exchange that read its code just before
 * the revocation can take a while to reach saveTokens; the marker must outlive it, or the grant revives.
 */
export const REVOCATION_MEMORY_MS = 10 * 60_000;

/** Stores made by announceRevocations, and the channel each publishes on. */
const announcers = new WeakMap<TokenStore, RevocationChannel>();

/** The channel `tokens` already publishes on, if announceRevocations made it. */
export function announcedOn(tokens: TokenStore): RevocationChannel | undefined {
  return announcers.get(tokens);
}

/**
 * The token store with every revocation published on `channel`, whoever calls it: the provider,
 * or the site's own code (an admin page, a CLI, another process) that revokes on the store
 * directly. Use this one object everywhere, and give the provider's `tokenCache.revocations` the
 * same channel, so that every instance's cache drops a revoked token when the message arrives.
 * A failed publish does not fail the revocation, which is done: caches then drop the token
 * within their `ttlSeconds`.
 */
export function announceRevocations(tokens: TokenStore, channel: RevocationChannel): TokenStore {
  const store = withRevocationHook(tokens, async (event) => {
    await channel.publish(event).catch(() => undefined);
  });
  announcers.set(store, channel);
  return store;
}

/** The store's methods, with `after` run once each revocation is done in the store (or has failed there). */
export function withRevocationHook(tokens: TokenStore, after: (event: RevocationEvent) => Promise<void>): TokenStore {
  return {
    ...bindAll(tokens),
    async revokeAccessToken(grantId, hash) {
      try {
        return await tokens.revokeAccessToken(grantId, hash);
      } finally {
        await after({ type: 'access', grantId, hash });
      }
    },
    async revokeGrant(grantId) {
      try {
        return await tokens.revokeGrant(grantId);
      } finally {
        await after({ type: 'grant', grantId });
      }
    },
  };
}

/** The store's methods bound to it, so a class-based store keeps its `this`. */
function bindAll(tokens: TokenStore): TokenStore {
  const out: Record<string, unknown> = {};
  let proto: object | null = tokens;
  while (proto !== null && proto !== Object.prototype) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      const value = (tokens as unknown as Record<string, unknown>)[name];
      if (name !== 'constructor' && typeof value === 'function' && !(name in out)) out[name] = value.bind(tokens);
    }
    proto = Object.getPrototypeOf(proto) as object | null;
  }
  return out as unknown as TokenStore;
}
