import type { ClientChanges, ClientFilter, ClientRecord, ClientStore } from '../../src/storage';
import { copyRecord } from '../../src/storage';
import { warnIfProduction } from './production-warning';

/**
 * Clients in a Map: for tests, demos and single-process sites that accept losing every app on
 * restart. Records go in and out as copies.
 */
export function memoryClientStore(): ClientStore {
  warnIfProduction();
  // A Map, not an object: ids such as '__proto__' or 'constructor' must be plain keys.
  const clients = new Map<string, ClientRecord>();

  return {
    async create(client) {
      if (clients.has(client.id)) throw new Error(`A client with id ${JSON.stringify(client.id)} already exists`);
      clients.set(client.id, copyRecord(client));
    },

    async get(id) {
      const client = clients.get(id);
      return client ? copyRecord(client) : null;
    },

    async update(id, changes: ClientChanges) {
      const current = clients.get(id);
      if (!current) return null;
      const updated: ClientRecord = { ...current };
      for (const [key, value] of Object.entries(changes)) {
        // Plain JS callers may pass `undefined` for "no change", or the immutable id/createdAt.
        if (value === undefined || key === 'id' || key === 'createdAt' || !(key in current)) continue;
        (updated as unknown as Record<string, unknown>)[key] = value;
      }
      // An explicit updatedAt wins (a caller may want one timestamp across several writes).
      updated.updatedAt = changes.updatedAt ?? new Date(Date.now());
      const stored = copyRecord(updated);
      clients.set(id, stored);
      return copyRecord(stored);
    },

    async list(filter: ClientFilter = {}) {
      return [...clients.values()]
        .filter((c) => (filter.ownerId === undefined || c.ownerId === filter.ownerId)
          && (filter.status === undefined || c.status === filter.status))
        // Array#sort is stable: clients created in the same millisecond keep insertion order.
        .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
        .map((c) => copyRecord(c));
    },

    async delete(id) {
      return clients.delete(id);
    },
  };
}
