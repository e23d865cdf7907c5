import { registrationExpired } from '../services/clients/records';
import type { ClientStore } from '../storage/client-store';

/**
 * Deletes the registrations whose time for review ran out and counts those still waiting, for the
 * ceiling on pending registrations. Run before each registration, so expired ones do not pile up
 * and never count. Concurrent registrations may overshoot the ceiling by their number, no more.
 */
export async function pruneAndCountPending(clients: ClientStore, now: number): Promise<number> {
  const unapproved = [...await clients.list({ status: 'pending' }), ...await clients.list({ status: 'denied' })]
    .filter((client) => client.origin === 'registration');
  const expired = unapproved.filter((client) => registrationExpired(client, now));
  await Promise.all(expired.map((client) => clients.delete(client.id)));
  return unapproved.filter((client) => client.status === 'pending' && !registrationExpired(client, now)).length;
}
