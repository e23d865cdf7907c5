import { hashSecret, randomSecret } from '../../crypto';
import { ValidationError } from '../../errors';
import { parseDescription, parseName } from '../fields';
import { parsePostLogoutRedirectUris, parseRedirectUris } from '../redirect-uris';
import { parseClientScopes, parseFlag, parseIdTokenSigningAlg, parsePermissions, refuseForPublic } from './input';
import { changeClient, loadClient, newClientRecord, requireStatus, requireUnchangedSince, requireUnexpired } from './records';
import type { ClientService, ClientServiceDeps, Emit } from './types';
import { toView } from './view';

/** A developer requests an app; an admin approves it (its secret is made then) or denies it. */
export function registration(deps: ClientServiceDeps, emit: Emit): Pick<ClientService, 'request' | 'approve' | 'deny'> {
  const { clients } = deps;
  return {
    async request(input) {
      // Everything is checked before anything is stored: a rejected request leaves no record.
      const name = parseName(input.name);
      const isPublic = parseFlag(input.isPublic, 'isPublic');
      const redirectUris = parseRedirectUris(input.redirectUris, deps.maxRedirectUris, { isPublic: isPublic === true });
      const postLogoutRedirectUris = input.postLogoutRedirectUris === undefined ? []
        : parsePostLogoutRedirectUris(input.postLogoutRedirectUris, deps.maxRedirectUris);
      const idTokenSigningAlg = parseIdTokenSigningAlg(input.idTokenSigningAlg) ?? 'RS256';
      const description = parseDescription(input.description);
      const scopes = parseClientScopes(input.scopes, deps);
      const permissions = parsePermissions(input);
      // Only an explicit `true` makes a public client: a missing flag must not drop client authentication.
      refuseForPublic(isPublic === true, permissions);
      const ownerId = input.ownerId ?? null;
      if (ownerId !== null && (typeof ownerId !== 'string' || ownerId === '')) {
        throw new ValidationError('invalid_owner_id', 'ownerId: must be a non-empty string or null.', 'ownerId');
      }
      const record = newClientRecord({
        name, description, redirectUris, ownerId, status: 'pending', isPublic: isPublic === true, scopes,
        resourceServer: permissions.resourceServer === true, allowImplicit: permissions.allowImplicit === true,
        allowClientCredentials: permissions.allowClientCredentials === true, postLogoutRedirectUris, idTokenSigningAlg,
        requirePushedRequests: parseFlag(input.requirePushedRequests, 'requirePushedRequests') === true,
        origin: ownerId === null ? 'site' : 'apps-tab',
      });
      await clients.create(record);
      emit('client.requested', { clientId: record.id, ownerId });
      return toView(record);
    },

    async approve(id, options = {}) {
      const client = await loadClient(clients, id);
      requireStatus(client, ['pending', 'denied'], 'approved');
      requireUnexpired(client);
      requireUnchangedSince(client, client.updatedAt, options.seen);
      // The plain secret exists only in this return value; the store keeps its SHA-256. A client
      // that registered itself got its secret then, and keeps it.
      const clientSecret = client.isPublic || client.secretHash !== null ? null : randomSecret();
      const secretHash = clientSecret === null ? client.secretHash : hashSecret(clientSecret);
      const updated = await changeClient(clients, client.id, { status: 'approved', secretHash });
      emit('client.approved', { clientId: client.id });
      return { client: toView(updated), clientSecret };
    },

    async deny(id) {
      const client = await loadClient(clients, id);
      requireStatus(client, ['pending'], 'denied');
      const updated = await changeClient(clients, client.id, { status: 'denied' });
      emit('client.denied', { clientId: client.id });
      return toView(updated);
    },
  };
}
