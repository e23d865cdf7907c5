import { randomClientId, randomSecret, hashSecret } from '../crypto';
import { NotFoundError, ValidationError } from '../errors';
import type { ClientStore, ClientChanges, ClientFilter } from '../storage/client-store';
import type { ClientRecord, ClientStatus, PendingClientChange } from '../storage/records';
import type { TokenStore } from '../storage/token-store';
import { parseDescription, parseName, parseScopes } from './fields';
import { parseRedirectUris } from './redirect-uris';
import { applyPendingChange, mergePendingChange, REVIEWED_FIELDS, type ReviewedValues } from './client-review';

/** A client as the site owner sees it: everything but the secret hash. */
export type ClientView = Omit<ClientRecord, 'secretHash'>;

export interface ClientRequest {
  name: string;
  redirectUris: string[] | string;
  description?: string;
  ownerId?: string | null;
  isPublic?: boolean;
  /** Absent, null or empty: the site's `defaultScopes` (a request is refused when the site has none). */
  scopes?: string[] | string | null;
  /** May introspect any live token (confidential clients only). */
  resourceServer?: boolean;
  /** May use `response_type=token` where `compat.implicitGrant` is on (confidential clients only). */
  allowImplicit?: boolean;
  /** May use `grant_type=client_credentials`: tokens for the app itself, with no user (confidential clients only). */
  allowClientCredentials?: boolean;
}

/** An owner's edit. On an approved (or suspended) app, name, redirect URIs, scopes and type wait for review. */
export interface ClientUpdate {
  name?: string;
  description?: string;
  redirectUris?: string[] | string;
  /** null or empty: the site's `defaultScopes`, as in a request. */
  scopes?: string[] | string | null;
  isPublic?: boolean;
}

export interface ClientPermissions {
  resourceServer?: boolean;
  allowImplicit?: boolean;
  allowClientCredentials?: boolean;
}

export interface ClientService {
  request(input: ClientRequest): Promise<ClientView>;
  approve(id: string): Promise<{ client: ClientView; clientSecret: string | null }>;
  deny(id: string): Promise<ClientView>;
  suspend(id: string): Promise<ClientView>;
  /** `pendingReview` is true when, after this edit, a change of the app waits in the admin queue (see `approveChange`). */
  update(id: string, changes: ClientUpdate): Promise<{ client: ClientView; pendingReview: boolean }>;
  /** Applies the pending change; a change from public to confidential returns the new secret, once. */
  approveChange(id: string): Promise<{ client: ClientView; clientSecret: string | null }>;
  denyChange(id: string): Promise<ClientView>;
  /** The admin's switches; they apply at once. */
  setPermissions(id: string, permissions: ClientPermissions): Promise<ClientView>;
  rotateSecret(id: string): Promise<{ client: ClientView; clientSecret: string }>;
  get(id: string): Promise<ClientView | null>;
  /** `pendingChange: true` lists only the apps with an edit waiting for review. */
  list(filter?: { ownerId?: string; status?: ClientStatus; pendingChange?: boolean }): Promise<ClientView[]>;
}

export interface ClientServiceDeps {
  clients: ClientStore;
  tokens: TokenStore;
  scopes: readonly string[];
  /** What an app requested without scopes gets; null: such a request is refused. */
  defaultScopes: readonly string[] | null;
  maxRedirectUris: number;
  /** The provider passes its own emit, which already shields requests from a throwing listener. */
  emit?: (event: string, payload: Record<string, unknown>) => void;
}

/** Statuses whose values were reviewed by an admin, so that an edit of them is reviewed too. */
const REVIEWED_STATUSES: readonly ClientStatus[] = ['approved', 'suspended'];

/** The apps tab (developers request apps) and the admin queue (approve, deny, suspend, review edits). */
export function createClientService(deps: ClientServiceDeps): ClientService {
  const { clients, tokens } = deps;
  const emit = (event: string, payload: Record<string, unknown>) => deps.emit?.(event, payload);

  /** No scopes chosen means the site's default scopes, never every scope. */
  function parseClientScopes(value: unknown): string[] {
    const none = value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);
    if (!none) return parseScopes(value, deps.scopes);
    if (deps.defaultScopes === null) {
      throw new ValidationError('invalid_scope', 'scopes: choose at least one scope; this site has no default scopes.', 'scopes');
    }
    return [...deps.defaultScopes];
  }

  function parseFlag(value: unknown, field: keyof ClientPermissions | 'isPublic'): boolean | undefined {
    if (value !== undefined && typeof value !== 'boolean') {
      throw new ValidationError(`invalid_${snake(field)}`, `${field}: must be true or false.`, field);
    }
    return value;
  }

  function parsePermissions(input: ClientPermissions): ClientPermissions {
    const permissions: ClientPermissions = {};
    const resourceServer = parseFlag(input.resourceServer, 'resourceServer');
    const allowImplicit = parseFlag(input.allowImplicit, 'allowImplicit');
    if (resourceServer !== undefined) permissions.resourceServer = resourceServer;
    if (allowImplicit !== undefined) permissions.allowImplicit = allowImplicit;
    const allowClientCredentials = parseFlag(input.allowClientCredentials, 'allowClientCredentials');
    if (allowClientCredentials !== undefined) permissions.allowClientCredentials = allowClientCredentials;
    return permissions;
  }

  /** Each switch gives a client more than its users' tokens; a public client proves nothing about who calls. */
  function refuseForPublic(isPublic: boolean, permissions: ClientPermissions): void {
    for (const field of ['resourceServer', 'allowImplicit', 'allowClientCredentials'] as const) {
      if (isPublic && permissions[field] === true) {
        throw new ValidationError('public_client', `${field}: only a confidential client can have it; this one is public.`, field);
      }
    }
  }

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

  function requirePendingChange(client: ClientRecord): PendingClientChange {
    if (client.pendingChange === null) {
      throw new ValidationError('no_pending_change', `pendingChange: client ${client.id} has no change waiting for review.`, 'pendingChange');
    }
    return client.pendingChange;
  }

  async function revokeAllGrants(clientId: string): Promise<number> {
    const grants = await tokens.listGrants({ clientId });
    const revoked = await Promise.all(grants.map((grant) => tokens.revokeGrant(grant.id)));
    return revoked.filter(Boolean).length;
  }

  async function revokeClientKindGrants(clientId: string): Promise<number> {
    const grants = (await tokens.listGrants({ clientId })).filter((grant) => grant.kind === 'client');
    const revoked = await Promise.all(grants.map((grant) => tokens.revokeGrant(grant.id)));
    return revoked.filter(Boolean).length;
  }

  return {
    async request(input) {
      // Everything is checked before anything is stored: a rejected request leaves no record.
      const name = parseName(input.name);
      const redirectUris = parseRedirectUris(input.redirectUris, deps.maxRedirectUris);
      const description = parseDescription(input.description);
      const scopes = parseClientScopes(input.scopes);
      const isPublic = parseFlag(input.isPublic, 'isPublic');
      const permissions = parsePermissions(input);
      // Only an explicit `true` makes a public client: a missing flag must not drop client authentication.
      refuseForPublic(isPublic === true, permissions);
      const ownerId = input.ownerId ?? null;
      if (ownerId !== null && (typeof ownerId !== 'string' || ownerId === '')) {
        throw new ValidationError('invalid_owner_id', 'ownerId: must be a non-empty string or null.', 'ownerId');
      }
      const now = new Date();
      const record: ClientRecord = {
        id: randomClientId(), name, description, redirectUris, ownerId, status: 'pending', isPublic: isPublic === true,
        secretHash: null, scopes, resourceServer: permissions.resourceServer === true, allowImplicit: permissions.allowImplicit === true,
        allowClientCredentials: permissions.allowClientCredentials === true, pendingChange: null, createdAt: now, updatedAt: now,
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
      const revokedGrants = await revokeAllGrants(client.id);
      emit('client.suspended', { clientId: client.id, revokedGrants });
      return toView(updated);
    },

    async update(id, input) {
      const client = await load(id);
      // Everything is parsed before anything is written, as in request.
      const wanted: Partial<ReviewedValues> = {};
      if (input.name !== undefined) wanted.name = parseName(input.name);
      if (input.redirectUris !== undefined) wanted.redirectUris = parseRedirectUris(input.redirectUris, deps.maxRedirectUris);
      if (input.scopes !== undefined) wanted.scopes = parseClientScopes(input.scopes);
      const isPublic = parseFlag(input.isPublic, 'isPublic');
      if (isPublic !== undefined) wanted.isPublic = isPublic;
      const changes: ClientChanges = {};
      if (input.description !== undefined) changes.description = parseDescription(input.description);

      let requested: PendingClientChange | null = null;
      if (REVIEWED_STATUSES.includes(client.status)) {
        changes.pendingChange = mergePendingChange(client, wanted, new Date());
        if (changes.pendingChange !== client.pendingChange) requested = changes.pendingChange;
      } else {
        // Never approved: nothing here was reviewed yet, so the admin reviews the new values with the app.
        Object.assign(changes, applyPendingChange(client, { ...wanted, requestedAt: new Date() }));
      }
      const updated = await change(client.id, changes);
      if (requested !== null) {
        emit('client.change_requested', { clientId: client.id, fields: REVIEWED_FIELDS.filter((f) => requested[f] !== undefined) });
      }
      return { client: toView(updated), pendingReview: updated.pendingChange !== null };
    },

    async approveChange(id) {
      const client = await load(id);
      const pending = requirePendingChange(client);
      const changes = applyPendingChange(client, pending);
      // Public to confidential: the app now needs a secret, made here and shown once, as at approval.
      const clientSecret = changes.isPublic === false && client.isPublic ? randomSecret() : null;
      if (clientSecret !== null) changes.secretHash = hashSecret(clientSecret);
      const updated = await change(client.id, { ...changes, pendingChange: null });
      // Confidential to public: its refresh tokens would now work without a secret, so they go.
      const revokedGrants = changes.isPublic === true && !client.isPublic ? await revokeAllGrants(client.id) : 0;
      emit('client.change_approved', { clientId: client.id, fields: REVIEWED_FIELDS.filter((f) => pending[f] !== undefined), revokedGrants });
      return { client: toView(updated), clientSecret };
    },

    async denyChange(id) {
      const client = await load(id);
      requirePendingChange(client);
      const updated = await change(client.id, { pendingChange: null });
      emit('client.change_denied', { clientId: client.id });
      return toView(updated);
    },

    async setPermissions(id, input) {
      const client = await load(id);
      const changes = parsePermissions(input ?? {});
      refuseForPublic(client.isPublic, changes);
      const updated = await change(client.id, changes);
      // Tokens the client got for itself stop with the permission, as at a suspension. Asked for
      // whatever the record said before: one issued while this ran is listed here, or its issuance
      // reads the permission withdrawn and revokes it (saveClientCredentialsToken).
      const revokedGrants = changes.allowClientCredentials === false ? await revokeClientKindGrants(client.id) : 0;
      emit('client.permissions_changed', {
        clientId: client.id, resourceServer: updated.resourceServer, allowImplicit: updated.allowImplicit,
        allowClientCredentials: updated.allowClientCredentials, ...(revokedGrants > 0 ? { revokedGrants } : {}),
      });
      return toView(updated);
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
      const found = await clients.list(storeFilter);
      return (filter.pendingChange === true ? found.filter((c) => c.pendingChange !== null) : found).map(toView);
    },
  };
}

const snake = (field: string) => field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** Copies the fields a site may show; the secret hash never leaves the service. */
function toView(record: ClientRecord): ClientView {
  const pending = record.pendingChange;
  return {
    id: record.id,
    name: record.name,
    description: record.description,
    redirectUris: [...record.redirectUris],
    ownerId: record.ownerId,
    status: record.status,
    isPublic: record.isPublic,
    scopes: record.scopes === null ? null : [...record.scopes],
    resourceServer: record.resourceServer,
    allowImplicit: record.allowImplicit,
    allowClientCredentials: record.allowClientCredentials,
    pendingChange: pending === null ? null : {
      ...pending,
      ...(pending.redirectUris ? { redirectUris: [...pending.redirectUris] } : {}),
      ...(pending.scopes ? { scopes: [...pending.scopes] } : {}),
    },
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}
