import type { ResolvedRegistration } from '../options/registration';
import { registrationExpired } from '../services/clients/records';
import type { ClientStore } from '../storage/client-store';

/**
 * Deletes the registrations whose time for review ran out and counts what the `maxPending` ceiling
 * covers: registrations still waiting for review and, where `autoApprove` lets some in without
 * review, approved (or since suspended) registrations made within the last `pendingLifetime`.
 * Without the second part auto-approved registrations would never count and only the per-address
 * limit would bound them. An approval cannot tell an admin's from the automatic one, so with
 * `autoApprove` an app an admin approved counts too until its `pendingLifetime` has passed. Run
 * before each registration, so expired ones do not pile up and never count. Concurrent
 * registrations may overshoot the ceiling by their number, no more.
 */
export async function pruneAndCountRegistrations(clients: Required<ClientStore>, now: number,
  settings: Pick<ResolvedRegistration, 'autoApproveScopes' | 'pendingLifetime'>): Promise<number> {
  const unapproved = [...await clients.list({ status: 'pending' }), ...await clients.list({ status: 'denied' })]
    .filter((client) => client.origin === 'registration');
  const expired = unapproved.filter((client) => registrationExpired(client, now));
  await Promise.all(expired.map((client) => clients.delete(client.id)));
  const waiting = unapproved.filter((client) => client.status === 'pending' && !registrationExpired(client, now)).length;
  if (settings.autoApproveScopes.length === 0) return waiting;
  const since = now - settings.pendingLifetime * 1000;
  const recent = [...await clients.list({ status: 'approved' }), ...await clients.list({ status: 'suspended' })]
    .filter((client) => client.origin === 'registration' && client.createdAt.getTime() > since);
  return waiting + recent.length;
}
