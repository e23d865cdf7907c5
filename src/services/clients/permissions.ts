import { parsePermissions, refuseForPublic } from './input';
import { changeClient, loadClient, revokeClientKindGrants } from './records';
import type { ClientService, ClientServiceDeps, Emit } from './types';
import { toView } from './view';

/** The admin's switches (resource server, implicit grant, client credentials); they apply at once. */
export function permissions(deps: ClientServiceDeps, emit: Emit): Pick<ClientService, 'setPermissions'> {
  const { clients, tokens } = deps;
  return {
    async setPermissions(id, input) {
      const client = await loadClient(clients, id);
      const changes = parsePermissions(input ?? {});
      refuseForPublic(client.isPublic, changes);
      const updated = await changeClient(clients, client.id, changes);
      // Tokens the client got for itself stop with the permission, as at a suspension. Asked for
      // whatever the record said before: one issued while this ran is listed here, or its issuance
      // reads the permission withdrawn and revokes it (saveClientCredentialsToken).
      const revokedGrants = changes.allowClientCredentials === false ? await revokeClientKindGrants(tokens, client.id) : 0;
      emit('client.permissions_changed', {
        clientId: client.id, resourceServer: updated.resourceServer, allowImplicit: updated.allowImplicit,
        allowClientCredentials: updated.allowClientCredentials, ...(revokedGrants > 0 ? { revokedGrants } : {}),
      });
      return toView(updated);
    },
  };
}
