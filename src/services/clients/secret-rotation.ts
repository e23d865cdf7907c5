import { hashSecret, randomSecret } from '../../crypto';
import { ValidationError } from '../../errors';
import { changeClient, loadClient, requireStatus } from './records';
import type { ClientService, ClientServiceDeps, Emit } from './types';
import { toView } from './view';

/** A confidential, approved app gets a new secret, shown once; the old one stops working at once. */
export function secretRotation(deps: ClientServiceDeps, emit: Emit): Pick<ClientService, 'rotateSecret'> {
  const { clients } = deps;
  return {
    async rotateSecret(id) {
      const client = await loadClient(clients, id);
      if (client.isPublic) {
        throw new ValidationError('public_client', `isPublic: client ${client.id} is public and has no secret to rotate.`, 'isPublic');
      }
      requireStatus(client, ['approved'], 'given a new secret');
      const clientSecret = randomSecret();
      const updated = await changeClient(clients, client.id, { secretHash: hashSecret(clientSecret) });
      emit('client.secret_rotated', { clientId: client.id });
      return { client: toView(updated), clientSecret };
    },
  };
}
