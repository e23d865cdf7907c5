import { hashSecret, randomSecret } from '../crypto';
import { OAuthError } from '../errors';
import type { ResolvedRegistration } from '../options/registration';
import type { ProviderContext } from '../provider-context';
import { applyPendingChange, mergePendingChange, REVIEWED_FIELDS, type ReviewedValues } from '../services/clients/pending-change';
import { changeClient, newClientRecord, revokeAllGrants } from '../services/clients/records';
import type { ClientChanges, ClientStore } from '../storage/client-store';
import type { ClientRecord } from '../storage/records';
import { mintRegistrationToken } from './access-token';
import type { ClientMetadata } from './client-metadata';
import { clientInformation } from './client-information';
import { pruneAndCountRegistrations } from './pending';

/** The RFC 7591/7592 operations on the store; the endpoints have parsed and authenticated already. */
export function registrationLifecycle(context: ProviderContext, settings: ResolvedRegistration) {
  const { tokens } = context.store;
  // createOAuthProvider refuses a client store without `delete` when registration is on (provider.ts).
  const clients = context.store.clients as Required<ClientStore>;
  const base = `${context.issuer}${context.routerPath}/register`;

  return {
    async register(metadata: ClientMetadata): Promise<Record<string, unknown>> {
      if (await pruneAndCountRegistrations(clients, Date.now(), settings) >= settings.maxPending) {
        // A flood is refused like any other over-the-limit caller (429), and the store stops growing.
        throw new OAuthError(429, 'temporarily_unavailable',
          'Too many recent registrations are waiting for the site\'s review or were approved at once; try again later.', { 'Retry-After': '3600' });
      }
      const isPublic = metadata.tokenEndpointAuthMethod === 'none';
      const autoApproved = isPublic && metadata.scopes.every((scope) => settings.autoApproveScopes.includes(scope));
      const clientSecret = isPublic ? null : randomSecret();
      const token = mintRegistrationToken();
      const record = newClientRecord({
        name: metadata.name, redirectUris: metadata.redirectUris, status: autoApproved ? 'approved' : 'pending', isPublic,
        secretHash: clientSecret === null ? null : hashSecret(clientSecret), scopes: metadata.scopes, origin: 'registration',
        registration: {
          accessTokenHash: token.hash, tokenEndpointAuthMethod: metadata.tokenEndpointAuthMethod,
          expiresAt: new Date(Date.now() + settings.pendingLifetime * 1000),
        },
      });
      await clients.create(record);
      context.emit('client.registered', { clientId: record.id, status: record.status });
      return clientInformation(record, base, { clientSecret, registrationAccessToken: token.value });
    },

    /** RFC 7592 §2.1: the token just presented is echoed; only its hash is kept, so it cannot be shown otherwise. */
    read(client: ClientRecord, presentedToken: string): Record<string, unknown> {
      return clientInformation(client, base, { clientSecret: null, registrationAccessToken: presentedToken });
    },

    /**
     * RFC 7592 §2.2: the metadata is replaced. An approved (or suspended) app's reviewed fields wait
     * for an admin as an apps-tab edit does; a registration never approved takes them at once.
     * Either way the registration access token is new.
     */
    async update(client: ClientRecord, metadata: ClientMetadata): Promise<Record<string, unknown>> {
      const wanted: Partial<ReviewedValues> = { name: metadata.name, redirectUris: metadata.redirectUris, scopes: metadata.scopes };
      const token = mintRegistrationToken();
      const changes: ClientChanges = {
        registration: { ...client.registration!, accessTokenHash: token.hash, tokenEndpointAuthMethod: metadata.tokenEndpointAuthMethod },
      };
      const reviewed = client.status === 'approved' || client.status === 'suspended';
      const now = new Date(Date.now());
      if (reviewed) changes.pendingChange = mergePendingChange(client, wanted, now);
      else Object.assign(changes, applyPendingChange(client, { ...wanted, requestedAt: now }));
      const updated = await changeClient(clients, client.id, changes);
      if (reviewed && changes.pendingChange !== null && changes.pendingChange !== client.pendingChange) {
        const pending = changes.pendingChange!;
        context.emit('client.change_requested', { clientId: client.id, fields: REVIEWED_FIELDS.filter((f) => pending[f] !== undefined) });
      }
      return clientInformation(updated, base, { clientSecret: null, registrationAccessToken: token.value });
    },

    /** RFC 7592 §2.3: gone at once, with every grant it held. The record goes first, so no new token is minted meanwhile. */
    async remove(client: ClientRecord): Promise<void> {
      await clients.delete(client.id);
      const revokedGrants = await revokeAllGrants(tokens, client.id);
      context.emit('client.deleted', { clientId: client.id, revokedGrants });
    },
  };
}

export type RegistrationLifecycle = ReturnType<typeof registrationLifecycle>;
