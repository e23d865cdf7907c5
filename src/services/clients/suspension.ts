import { changeClient, loadClient, requireStatus, revokeAllGrants } from './records';
import type { ClientService, ClientServiceDeps, Emit } from './types';
import { toView } from './view';

/** An admin stops an approved app: its status changes and every grant it holds is revoked. */
export function suspension(deps: ClientServiceDeps, emit: Emit): Pick<ClientService, 'suspend'> {
  const { clients, tokens } = deps;
  return {
    async suspend(id) {
      const client = await loadClient(clients, id);
      requireStatus(client, ['approved'], 'suspended');
      // Status first, so no new token is minted for the client while its grants are being revoked.
      const updated = await changeClient(clients, client.id, { status: 'suspended' });
      const revokedGrants = await revokeAllGrants(tokens, client.id);
      emit('client.suspended', { clientId: client.id, revokedGrants });
      return toView(updated);
    },
  };
}
