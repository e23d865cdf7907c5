import type { ClientChanges } from '../../storage/client-store';
import type { ClientRecord, PendingClientChange } from '../../storage/records';

/**
 * Reviewed changes: the fields an admin approved (what users see on the consent page and where
 * tokens may go) change only through review once the app was approved. The owner's edit waits
 * in `pendingChange`; the record's own fields keep the approved values until then.
 */
export const REVIEWED_FIELDS = ['name', 'redirectUris', 'postLogoutRedirectUris', 'scopes', 'isPublic'] as const;

export interface ReviewedValues {
  name: string;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  scopes: string[];
  isPublic: boolean;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The pending change after an edit of `wanted` fields: a field edited back to its approved value
 * leaves the queue, others join it. The same object when the edit asks for nothing new (so it
 * keeps its place in the queue), null when nothing is left to review.
 */
export function mergePendingChange(client: ClientRecord, wanted: Partial<ReviewedValues>, now: Date): PendingClientChange | null {
  const { requestedAt: _requestedAt, ...previous } = client.pendingChange ?? { requestedAt: now };
  const next: Partial<ReviewedValues> = { ...previous };
  for (const field of REVIEWED_FIELDS) {
    const value = wanted[field];
    if (value === undefined) continue;
    if (same(value, client[field])) delete next[field];
    else (next as Record<string, unknown>)[field] = value;
  }
  if (Object.keys(next).length === 0) return null;
  if (client.pendingChange !== null && same(next, previous)) return client.pendingChange;
  return { ...next, requestedAt: now };
}

/**
 * The record changes that put `pending` into effect. Becoming public drops the secret and every
 * switches, which only a confidential client may hold.
 */
export function applyPendingChange(client: ClientRecord, pending: PendingClientChange): ClientChanges {
  const changes: ClientChanges = {};
  if (pending.name !== undefined) changes.name = pending.name;
  if (pending.redirectUris !== undefined) changes.redirectUris = [...pending.redirectUris];
  if (pending.postLogoutRedirectUris !== undefined) changes.postLogoutRedirectUris = [...pending.postLogoutRedirectUris];
  if (pending.scopes !== undefined) changes.scopes = [...pending.scopes];
  if (pending.isPublic !== undefined && pending.isPublic !== client.isPublic) {
    changes.isPublic = pending.isPublic;
    if (pending.isPublic) Object.assign(changes, { secretHash: null, resourceServer: false, allowImplicit: false, allowClientCredentials: false });
  }
  return changes;
}
