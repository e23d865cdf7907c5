/**
 * The ClientStore contract, what dynamic registration adds: every origin, the registration record
 * (its `expiresAt` a Date) through create, get, update and list, and `delete`.
 */
import { describe, expect, it } from '@jest/globals';
import { hashSecret, randomId, randomSecret } from '../../crypto';
import type { ClientStore } from '../../storage/client-store';
import type { ClientRecord, ClientRegistration } from '../../storage/records';
import { fromNow, makeClient } from '../fixtures';

const registration = (overrides: Partial<ClientRegistration> = {}): ClientRegistration => ({
  accessTokenHash: hashSecret(randomSecret()), tokenEndpointAuthMethod: 'client_secret_post', expiresAt: fromNow(7 * 24 * 3_600_000), ...overrides,
});

export function registrationClientTests(store: Required<ClientStore>, created: (overrides?: Partial<ClientRecord>) => Promise<ClientRecord>): void {
  describe('registration fields', () => {
    it('returns each origin and a registration as created, from get and from list, its expiry a Date', async () => {
      for (const origin of ['site', 'apps-tab'] as const) {
        const client = await created({ origin });
        expect(await store.get(client.id)).toEqual(client);
      }
      const client = await created({ origin: 'registration', ownerId: null, status: 'pending', registration: registration() });
      const found = await store.get(client.id);
      expect(found).toEqual(client);
      expect(found?.registration?.expiresAt).toBeInstanceOf(Date);
      expect((await store.list({ status: 'pending' })).find((c) => c.id === client.id)).toEqual(client);
    });

    it('replaces the registration through update (a new token hash), leaving every other field alone', async () => {
      const client = await created({ origin: 'registration', registration: registration({ tokenEndpointAuthMethod: 'none' }) });
      const next = registration({ tokenEndpointAuthMethod: 'client_secret_basic', expiresAt: client.registration!.expiresAt });
      const updated = await store.update(client.id, { registration: next });
      expect(updated).toEqual({ ...client, registration: next, updatedAt: updated?.updatedAt });
      expect(await store.get(client.id)).toEqual(updated);
      const renamed = await store.update(client.id, { name: 'Renamed' });
      expect(renamed?.registration).toEqual(next);
    });

    it('is not changed by mutating the registration of a record passed in or read back', async () => {
      const client = makeClient({ origin: 'registration', registration: registration() });
      const saved = structuredClone(client);
      await store.create(client);
      client.registration!.expiresAt.setTime(0);
      client.registration!.accessTokenHash = 'changed';
      (await store.get(saved.id))!.registration!.accessTokenHash = 'changed';
      expect(await store.get(saved.id)).toEqual(saved);
    });

    describe('delete', () => {
      it('removes the client (true), from get and from list; a second delete is false', async () => {
        const client = await created({ status: 'pending' });
        const kept = await created({ ownerId: client.ownerId, status: 'pending' });
        expect(await store.delete(client.id)).toBe(true);
        expect(await store.get(client.id)).toBeNull();
        expect(await store.list({ ownerId: client.ownerId! })).toEqual([kept]);
        expect(await store.update(client.id, { name: 'Ghost' })).toBeNull();
        expect(await store.delete(client.id)).toBe(false);
      });

      it('answers false for unknown ids of any shape, deleting nothing', async () => {
        const client = await created();
        for (const id of [randomId(), '', '%', "'; drop table x; --", '__proto__', 'x'.repeat(10_240)]) {
          await expect(store.delete(id)).resolves.toBe(false);
        }
        expect(await store.get(client.id)).toEqual(client);
      });

      it('lets the id be created again afterwards', async () => {
        const client = await created();
        await store.delete(client.id);
        const again = makeClient({ id: client.id, name: 'Again' });
        await store.create(again);
        expect(await store.get(client.id)).toEqual(again);
      });
    });
  });
}
