import { randomClientId, randomSecret, hashSecret } from '../crypto';
import { NotFoundError, ValidationError } from '../errors';
import type { ClientStore, ClientChanges, ClientFilter } from '../storage/client-store';
import type { ClientRecord, ClientStatus } from '../storage/records';
import type { TokenStore } from '../storage/token-store';
import { parseDescription, parseName, parseScopes } from './fields';
import { parseRedirectUris } from './redirect-uris';

/** A client as the site owner sees it: everything but the secret hash. */
export type ClientView = Omit<ClientRecord, 'secretHash'>;

export interface ClientRequest {
  name: string;
  redirectUris: string[] | string;
  description?: string;
  ownerId?: string | null;
  isPublic?: boolean;
  scopes?: string[] | string | null;
}

export interface ClientService {
  request(input: ClientRequest): Promise<ClientView>;
  approve(id: string): Promise<{ client: ClientView; clientSecret: string | null }>;
  deny(id: string): Promise<ClientView>;
  suspend(id: string): Promise<ClientView>;
  update(
    id: string,
    changes: { name?: string; description?: string; redirectUris?: string[] | string; scopes?: string[] | string | null },
  ): Promise<ClientView>;
  rotateSecret(id: string): Promise<{ client: ClientView; clientSecret: string }>;
  get(id: string): Promise<ClientView | null>;
  list(filter?: { ownerId?: string; status?: ClientStatus }): Promise<ClientView[]>;
}

export interface ClientServiceDeps {
  clients: ClientStore;
  tokens: TokenStore;
  scopes: readonly string[];
  maxRedirectUris: number;
  /** The provider passes its own emit, which already shields requests from a throwing listener. */
  emit?: (event: string, payload: Record<string, unknown>) => void;
}

/** The apps tab (developers request apps) and the admin queue (approve, deny, suspend). */
export function createClientService(deps: ClientServiceDeps): ClientService {
  const { clients, tokens } = deps;
  const emit = (event: string, payload: Record<string, unknown>) => deps.emit?.(event, payload);

  const parseClientScopes = (value: unknown): string[] | null =>
    value === null || value === undefined ? null : parseScopes(value, deps.scopes);

  async function load(id: string): Promise<ClientRecord> {
    const client = typeof id === 'string' ? await clients.get(id) : null;
    if (!client) throw new NotFoundError(`No client with id ${JSON.stringify(String(id))}.`);
    return client;
  }

  async function change(id: string, changes: ClientChanges): Promise<ClientRecord> {
    // The store sets updatedAt itself (ClientStore.update's contract).
    const updated = await clients.update(id, changes);
    // Deleted between our read and this write: report it as missing rather than half-done.
    if (!updated) throw new NotFoundError(`No client with id ${JSON.stringify(id)}.`);
    return updated;
  }

  function requireStatus(client: ClientRecord, allowed: ClientStatus[], action: string): void {
    if (!allowed.includes(client.status)) {
      throw new ValidationError(
        'invalid_status',
        `status: client ${client.id} is ${client.status}; it can be ${action} only when ${allowed.join(' or ')}.`,
        'status',
      );
    }
  }

  return {
    async request(input) {
      // Everything is checked before anything is stored: a rejected request leaves no record.
      const name = parseName(input.name);
      const redirectUris = parseRedirectUris(input.redirectUris, deps.maxRedirectUris);
      const description = parseDescription(input.description);
      const scopes = parseClientScopes(input.scopes);
      if (input.isPublic !== undefined && typeof input.isPublic !== 'boolean') {
        throw new ValidationError('invalid_is_public', 'isPublic: must be true or false.', 'isPublic');
      }
      const ownerId = input.ownerId ?? null;
      if (ownerId !== null && (typeof ownerId !== 'string' || ownerId === '')) {
        throw new ValidationError('invalid_owner_id', 'ownerId: must be a non-empty string or null.', 'ownerId');
      }
      const now = new Date();
      const record: ClientRecord = {
        id: randomClientId(), name, description, redirectUris, ownerId, status: 'pending',
        // Only an explicit `true` makes a public client: a missing flag must not drop client authentication.
        isPublic: input.isPublic === true,
        secretHash: null, scopes, createdAt: now, updatedAt: now,
      };
      await clients.create(record);
      emit('client.requested', { clientId: record.id, ownerId });
      return toView(record);
    },

    async approve(id) {
      const client = await load(id);
      requireStatus(client, ['pending', 'denied'], 'approved');
      // The plain secret exists only in this return value; the store keeps its SHA-256.
      const clientSecret = client.isPublic ? null : randomSecret();
      const updated = await change(client.id, { status: 'approved', secretHash: clientSecret === null ? null : hashSecret(clientSecret) });
      emit('client.approved', { clientId: client.id });
      return { client: toView(updated), clientSecret };
    },

    async deny(id) {
      const client = await load(id);
      requireStatus(client, ['pending'], 'denied');
      const updated = await change(client.id, { status: 'denied' });
      emit('client.denied', { clientId: client.id });
      return toView(updated);
    },

    async suspend(id) {
      const client = await load(id);
      requireStatus(client, ['approved'], 'suspended');
      // Status first, so no new token is minted for the client while its grants are being revoked.
      const updated = await change(client.id, { status: 'suspended' });
      const grants = await tokens.listGrants({ clientId: client.id });
      const revoked = await Promise.all(grants.map((grant) => tokens.revokeGrant(grant.id)));
      emit('client.suspended', { clientId: client.id, revokedGrants: revoked.filter(Boolean).length });
      return toView(updated);
    },

    async update(id, input) {
      const client = await load(id);
      const changes: ClientChanges = {};
      if (input.name !== undefined) changes.name = parseName(input.name);
      if (input.description !== undefined) changes.description = parseDescription(input.description);
      if (input.redirectUris !== undefined) changes.redirectUris = parseRedirectUris(input.redirectUris, deps.maxRedirectUris);
      if (input.scopes !== undefined) changes.scopes = parseClientScopes(input.scopes);
      return toView(await change(client.id, changes));
    },

    async rotateSecret(id) {
      const client = await load(id);
      if (client.isPublic) {
        throw new ValidationError('public_client', `isPublic: client ${client.id} is public and has no secret to rotate.`, 'isPublic');
      }
      requireStatus(client, ['approved'], 'given a new secret');
      const clientSecret = randomSecret();
      const updated = await change(client.id, { secretHash: hashSecret(clientSecret) });
      emit('client.secret_rotated', { clientId: client.id });
      return { client: toView(updated), clientSecret };
    },

    async get(id) {
      const client = typeof id === 'string' ? await clients.get(id) : null;
      return client ? toView(client) : null;
    },

    async list(filter = {}) {
      // exactOptionalPropertyTypes: pass only the fields that were given.
      const storeFilter: ClientFilter = {};
      if (filter.ownerId !== undefined) storeFilter.ownerId = filter.ownerId;
      if (filter.status !== undefined) storeFilter.status = filter.status;
      return (await clients.list(storeFilter)).map(toView);
    },
  };
}

/** Copies the fields a site may show; the secret hash never leaves the service. */
function toView(record: ClientRecord): ClientView {
  return {
    id: record.id,
    name: record.name,
    description: record.description,
    redirectUris: [...record.redirectUris],
    ownerId: record.ownerId,
    status: record.status,
    isPublic: record.isPublic,
    scopes: record.scopes === null ? null : [...record.scopes],
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}
