import type { AccessTokenRecord } from './storage/records';
import type { TokenStore } from './storage/token-store';
import { announcedOn, withRevocationHook, type RevocationChannel, type RevocationEvent } from './storage/revocations';

export interface TokenCacheOptions {
  /** Most tokens kept; the least recently used goes first. @default 10000 */
  maxEntries?: number;
  /** How long a verified token is trusted without asking the store (never past its own expiry). @default 5 */
  ttlSeconds?: number;
  /**
   * Where revocations are published and heard. Without it only this process's own revocations
   * evict at once; another instance's revocation is seen here after at most `ttlSeconds`.
   */
  revocations?: RevocationChannel;
}

interface Entry {
  record: AccessTokenRecord;
  /** Epoch ms after which the entry is not used: the earlier of the cache TTL and the token's expiry. */
  until: number;
}

/**
 * An in-process LRU of verified access tokens for requireScope, keyed by the token's hash (a
 * Map's insertion order is the recency order). A grant id → hashes index lets a grant revocation
 * evict every token of the grant.
 *
 * A store read that was in flight while a revocation arrived must not put the revoked token back:
 * every eviction moves `epoch` on, and `add` refuses a record read under an older epoch.
 */
export class AccessTokenCache {
  private readonly entries = new Map<string, Entry>();
  private readonly byGrant = new Map<string, Set<string>>();
  private readonly maxEntries: number;
  private readonly ttlMs: number;
  private readonly channel: RevocationChannel | null;
  /** Moves on with every eviction by revocation (and every reset). */
  epoch = 0;

  constructor(options: TokenCacheOptions = {}) {
    this.maxEntries = options.maxEntries ?? 10_000;
    this.ttlMs = (options.ttlSeconds ?? 5) * 1000;
    this.channel = options.revocations ?? null;
    this.channel?.subscribe({
      event: (event) => {
        if (event.type === 'grant') this.evictGrant(event.grantId);
        else if (event.type === 'access') this.evictToken(event.grantId, event.hash);
      },
      reset: () => this.clear(),
    });
  }

  get size(): number {
    return this.entries.size;
  }

  /** The cached record (shared: copy what you hand out), or undefined. */
  get(grantId: string, hash: string, now: number): AccessTokenRecord | undefined {
    const entry = this.entries.get(hash);
    if (entry === undefined) return undefined;
    if (entry.until <= now || entry.record.grantId !== grantId) {
      this.remove(hash, entry.record.grantId);
      return undefined;
    }
    // Most recently used last.
    this.entries.delete(hash);
    this.entries.set(hash, entry);
    return entry.record;
  }

  /** Keeps a record read from the store, unless a revocation arrived since `epoch` was taken. */
  add(record: AccessTokenRecord, epoch: number, now: number): void {
    if (epoch !== this.epoch || (this.channel !== null && !this.channel.ready)) return;
    const until = Math.min(now + this.ttlMs, record.expiresAt.getTime());
    if (until <= now) return;
    const previous = this.entries.get(record.hash);
    if (previous) this.remove(record.hash, previous.record.grantId);
    this.entries.set(record.hash, { record, until });
    let hashes = this.byGrant.get(record.grantId);
    if (hashes === undefined) this.byGrant.set(record.grantId, (hashes = new Set()));
    hashes.add(record.hash);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.remove(oldest, this.entries.get(oldest)!.record.grantId);
    }
  }

  evictToken(grantId: string, hash: string): void {
    this.epoch += 1;
    const entry = this.entries.get(hash);
    if (entry) this.remove(hash, entry.record.grantId);
    void grantId;
  }

  evictGrant(grantId: string): void {
    this.epoch += 1;
    const hashes = this.byGrant.get(grantId);
    if (hashes === undefined) return;
    this.byGrant.delete(grantId);
    for (const hash of hashes) this.entries.delete(hash);
  }

  clear(): void {
    this.epoch += 1;
    this.entries.clear();
    this.byGrant.clear();
  }

  private remove(hash: string, grantId: string): void {
    this.entries.delete(hash);
    const hashes = this.byGrant.get(grantId);
    if (hashes === undefined) return;
    hashes.delete(hash);
    if (hashes.size === 0) this.byGrant.delete(grantId);
  }
}

/**
 * The token store as the rest of the provider sees it when a cache is on: every revocation, by
 * whatever path (revoke endpoint, services, code or refresh reuse, suspension), evicts here and
 * is published to the other instances, after the store has done it (so that no read can put the
 * token back afterwards).
 */
export function publishingTokenStore(
  tokens: TokenStore,
  cache: AccessTokenCache,
  channel: RevocationChannel | null,
  reportFailure: (err: unknown) => void,
): TokenStore {
  // A store from announceRevocations publishes on this channel already: once is enough.
  const publisher = announcedOn(tokens) === channel ? null : channel;
  const announce = async (event: RevocationEvent) => {
    if (event.type === 'grant') cache.evictGrant(event.grantId);
    else if (event.type === 'access') cache.evictToken(event.grantId, event.hash);
    if (!publisher) return;
    try {
      await publisher.publish(event);
    } catch (err) {
      // The store revocation stands; other instances see it after at most the cache TTL.
      reportFailure(err);
    }
  };
  return withRevocationHook(tokens, announce);
}
