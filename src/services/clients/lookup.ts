import type { ClientFilter } from '../../storage/client-store';
import type { ClientService, ClientServiceDeps } from './types';
import { registrationExpired } from './records';
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
      // A registration whose time for review ran out is gone, although the store may still hold it.
      const now = Date.now();
      const found = (await clients.list(storeFilter)).filter((c) => !registrationExpired(c, now));
      return (filter.pendingChange === true ? found.filter((c) => c.pendingChange !== null) : found).map(toView);
    },
  };
}
