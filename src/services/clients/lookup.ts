import type { ClientFilter } from '../../storage/client-store';
import type { ClientService, ClientServiceDeps } from './types';
import { toView } from './view';

/** One app by id, or the apps of an owner, of a status, or with an edit waiting for review. */
export function lookup(deps: ClientServiceDeps): Pick<ClientService, 'get' | 'list'> {
  const { clients } = deps;
  return {
    async get(id) {
      const client = typeof id === 'string' ? await clients.get(id) : null;
      return client ? toView(client) : null;
    },

    async list(filter = {}) {
      // exactOptionalPropertyTypes: pass only the fields that were given.
      const storeFilter: ClientFilter = {};
      if (filter.ownerId !== undefined) storeFilter.ownerId = filter.ownerId;
      if (filter.status !== undefined) storeFilter.status = filter.status;
      const found = await clients.list(storeFilter);
      return (filter.pendingChange === true ? found.filter((c) => c.pendingChange !== null) : found).map(toView);
    },
  };
}
