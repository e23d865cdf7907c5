import { randomClientId } from '../../crypto';
import { NotFoundError, ValidationError } from '../../errors';
import type { ClientChanges, ClientStore } from '../../storage/client-store';
import type { ClientRecord, ClientStatus, PendingClientChange } from '../../storage/records';
import type { TokenStore } from '../../storage/token-store';

/** What a new app is given, however it came (apps tab, the site's own code, RFC 7591 registration). */
export type NewClient = Pick<ClientRecord, 'name' | 'redirectUris' | 'isPublic' | 'scopes' | 'status' | 'origin'> & Partial<ClientRecord>;

/**
 * A new client record: `fields` over what every new app starts with (a fresh id, no secret, no
 * permissions, nothing pending, RS256 ID tokens), so a field added to ClientRecord gets its
 * default here once.
 */
export function newClientRecord(fields: NewClient): ClientRecord {
  // Date.now, not `new Date()`: tests move the clock by replacing Date.now.
  const now = new Date(Date.now());
  return {
    id: randomClientId(), description: '', ownerId: null, secretHash: null, resourceServer: false, allowImplicit: false,
    allowClientCredentials: false, requirePushedRequests: false, postLogoutRedirectUris: [], idTokenSigningAlg: 'RS256',
    pendingChange: null, registration: null, createdAt: now, updatedAt: now, ...fields,
  };
}

export async function loadClient(clients: ClientStore, id: string): Promise<ClientRecord> {
  const client = typeof id === 'string' ? await clients.get(id) : null;
  if (!client) throw new NotFoundError(`No client with id ${JSON.stringify(String(id))}.`);
  return client;
}

export async function changeClient(clients: ClientStore, id: string, changes: ClientChanges): Promise<ClientRecord> {
  // The store sets updatedAt itself (ClientStore.update's contract).
  const updated = await clients.update(id, changes);
  // Deleted between our read and this write: report it as missing rather than half-done.
  if (!updated) throw new NotFoundError(`No client with id ${JSON.stringify(id)}.`);
  return updated;
}

export function requireStatus(client: ClientRecord, allowed: ClientStatus[], action: string): void {
  if (!allowed.includes(client.status)) {
    throw new ValidationError(
      'invalid_status',
      `status: client ${client.id} is ${client.status}; it can be ${action} only when ${allowed.join(' or ')}.`,
      'status',
    );
  }
}

/** A registration left unapproved past its lifetime is gone, for the admin too (the next registration deletes it). */
export function requireUnexpired(client: ClientRecord): void {
  if (registrationExpired(client, Date.now())) {
    throw new ValidationError('registration_expired', `status: client ${client.id} registered itself and was not approved in time; it must register again.`, 'status');
  }
}

/** A self-registered app never approved whose time for review has run out. */
export function registrationExpired(client: ClientRecord, now: number): boolean {
  return client.registration !== null && (client.status === 'pending' || client.status === 'denied')
    && client.registration.expiresAt.getTime() <= now;
}

/**
 * Refuses an approval when the version the admin reviewed (`seen`) is no longer the stored one
 * (`current`: the app's updatedAt or its change's requestedAt). Without `seen`, nothing is checked.
 */
export function requireUnchangedSince(client: ClientRecord, current: Date, seen: Date | undefined): void {
  if (seen === undefined) return;
  if (!(seen instanceof Date) || Number.isNaN(seen.getTime())) throw new ValidationError('invalid_seen', 'seen: must be a valid Date.', 'seen');
  if (seen.getTime() !== current.getTime()) {
    throw new ValidationError('changed_since_review',
      `seen: client ${client.id} was changed after it was shown for review; review it again before approving.`, 'seen');
  }
}

export function requirePendingChange(client: ClientRecord): PendingClientChange {
  if (client.pendingChange === null) {
    throw new ValidationError('no_pending_change', `pendingChange: client ${client.id} has no change waiting for review.`, 'pendingChange');
  }
  return client.pendingChange;
}

export async function revokeAllGrants(tokens: TokenStore, clientId: string): Promise<number> {
  const grants = await tokens.listGrants({ clientId });
  const revoked = await Promise.all(grants.map((grant) => tokens.revokeGrant(grant.id)));
  return revoked.filter(Boolean).length;
}

export async function revokeClientKindGrants(tokens: TokenStore, clientId: string): Promise<number> {
  const grants = (await tokens.listGrants({ clientId })).filter((grant) => grant.kind === 'client');
  const revoked = await Promise.all(grants.map((grant) => tokens.revokeGrant(grant.id)));
  return revoked.filter(Boolean).length;
}
