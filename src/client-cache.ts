import { copyRecord } from './storage/copy-record';
import type { ClientRecord } from './storage/records';
import type { ClientStore } from './storage/client-store';
import type { RevocationChannel } from './storage/revocations';

export interface ClientCacheOptions {
  /** Most clients kept; the least recently used goes first. @default 1000 */
  maxEntries?: number;
  /**
   * How long a client record is used without asking the store. Every change made through the
   * provider evicts it on every instance at once (over the channel); the TTL only bounds how long
   * a change the channel never carried (one written to the store directly, a lost message) can go
   * unseen. @default 60
   */
  ttlSeconds?: number;
  /** Where client changes are published and heard. @default the `tokenCache.revocations` channel */
  revocations?: RevocationChannel;
}

interface Entry {
  record: ClientRecord;
  until: number;
}

/**
 * An in-process LRU of client records, so that the token endpoint (client authentication and the
 * K3 re-check) and /authorize do not wait on the client store for every request.
 *
 * It is only safe with a channel: a suspension, a rotated secret or a removed redirect URI on one
 * instance must reach every other instance's cache at once, not after a TTL. So every write made
 * through the store this returns evicts here and is published (`{ type: 'client' }`); every
 * instance evicts on hearing it; and while the channel is not ready (not subscribed yet, or
 * disconnected, when messages may be lost) the cache is emptied and neither read nor filled.
 *
 * A read in flight while an eviction arrives must not put the old record back: every eviction
 * moves `epoch` on, and a record read under an older epoch is not kept.
 */
export class ClientCache {
  private readonly entries = new Map<string, Entry>();
  private readonly maxEntries: number;
  private readonly ttlMs: number;
  private epoch = 0;

  constructor(private readonly channel: RevocationChannel, options: Omit<ClientCacheOptions, 'revocations'> = {}) {
    this.maxEntries = options.maxEntries ?? 1000;
    this.ttlMs = (options.ttlSeconds ?? 60) * 1000;
    channel.subscribe({
      event: (event) => { if (event.type === 'client') this.evict(event.clientId); },
      reset: () => this.clear(),
    });
  }

  get size(): number {
    return this.entries.size;
  }

  /** The store with this cache in front: reads come from the cache when they can, writes evict and publish. */
  wrap(store: ClientStore, reportFailure: (err: unknown) => void): ClientStore {
    const changed = async (id: string) => {
      this.evict(id);
      try {
        await this.channel.publish({ type: 'client', clientId: id });
      } catch (err) {
        // The change is made; other instances see it after at most the cache TTL.
        reportFailure(err);
      }
    };
    const cached: ClientStore = {
      get: async (id) => {
        const now = Date.now();
        const hit = this.read(id, now);
        if (hit !== undefined) return copyRecord(hit);
        const epoch = this.epoch;
        const record = await store.get(id);
        if (record) this.add(record, epoch, now);
        return record;
      },
      list: (filter) => store.list(filter),
      create: async (client) => {
        try {
          await store.create(client);
        } finally {
          await changed(client.id);
        }
      },
      update: async (id, changes) => {
        try {
          return await store.update(id, changes);
        } finally {
          // Evicted even when the store failed: it may have written before failing.
          await changed(id);
        }
      },
    };
    if (store.delete) {
      const remove = store.delete.bind(store);
      cached.delete = async (id) => {
        try {
          return await remove(id);
        } finally {
          await changed(id);
        }
      };
    }
    return cached;
  }

  evict(id: string): void {
    this.epoch += 1;
    this.entries.delete(id);
  }

  clear(): void {
    this.epoch += 1;
    this.entries.clear();
  }

  private read(id: string, now: number): ClientRecord | undefined {
    if (!this.channel.ready) {
      if (this.entries.size > 0) this.clear();
      return undefined;
    }
    const entry = this.entries.get(id);
    if (entry === undefined) return undefined;
    if (entry.until <= now) {
      this.entries.delete(id);
      return undefined;
    }
    // Most recently used last.
    this.entries.delete(id);
    this.entries.set(id, entry);
    return entry.record;
  }

  private add(record: ClientRecord, epoch: number, now: number): void {
    if (epoch !== this.epoch || !this.channel.ready) return;
    this.entries.delete(record.id);
    this.entries.set(record.id, { record: copyRecord(record), until: now + this.ttlMs });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }
}
