/**
 * The ClientStore contract: every guarantee documented on `ClientStore` (src/storage/client-store.ts),
 * as jest tests an adapter author runs against a real database:
 *
 *   runClientStoreContract('knex/postgres', () => knexClientStore(db), { teardown: () => db.destroy() });
 *
 * One store instance serves the whole suite and is never cleared: each test draws fresh ids and
 * owners, and unfiltered lists are checked only for the clients the test created. Client records
 * carry only `secretHash`, the SHA-256 of a discarded random secret, never a plain secret.
 */
import { describe, expect, it } from '@jest/globals';
import { CLIENT_STORE_METHODS, type ClientStore } from '../storage/client-store';
import type { ClientRecord } from '../storage/records';
import { hashSecret, randomId, randomSecret } from '../crypto';
import { openIdClientTests } from './client-store-contract/openid-fields';
import { registrationClientTests } from './client-store-contract/registration-fields';
import { fakeUserId, fromNow, makeClient } from './fixtures';
import { storeUnderTest, type ContractOptions } from './store-under-test';

const HOUR = 3_600_000;

/** Ids that must come back as null without a throw, whatever the storage does with strings. */
const ODD_IDS = [
  '', '../x', 'a b', '%00', '\u0000', "'; drop table x; --", '"', '\\', '*', '?', '{}', '__proto__', 'constructor',
  'hasOwnProperty', 'ünïcødé', '😀', 'x'.repeat(10_240),
];

export function runClientStoreContract(
  label: string,
  makeStore: () => ClientStore | Promise<ClientStore>,
  options: ContractOptions = {},
): void {
  describe(`${label} ClientStore contract`, () => {
    // `delete` is optional for a site's store, but every store this suite checks must have it (registration needs it).
    const store = storeUnderTest(makeStore as () => Required<ClientStore> | Promise<Required<ClientStore>>, options,
      [...CLIENT_STORE_METHODS, 'delete']);

    async function created(overrides: Partial<ClientRecord> = {}): Promise<ClientRecord> {
      const client = makeClient(overrides);
      await store.create(client);
      return client;
    }

    describe('create and get', () => {
      it('returns a created confidential client with every field, its times as Dates', async () => {
        const client = await created();
        const found = await store.get(client.id);
        expect(found).toEqual(client);
        expect(found?.createdAt).toBeInstanceOf(Date);
        expect(found?.updatedAt).toBeInstanceOf(Date);
      });

      it('returns a created public, ownerless, pending client with its nulls and empty lists intact', async () => {
        const client = await created({
          ownerId: null, status: 'pending', isPublic: true, secretHash: null, scopes: null, description: '', redirectUris: [],
        });
        expect(await store.get(client.id)).toEqual(client);
        const scoped = await created({ scopes: [] });
        expect(await store.get(scoped.id)).toEqual(scoped);
      });

      it('rejects a create with an existing id and leaves the stored client unchanged', async () => {
        const client = await created();
        const impostor = makeClient({ id: client.id, name: 'Impostor', ownerId: fakeUserId(), status: 'approved' });
        // The guarantee is a rejection; what a driver rejects with varies (and may fail jest's isError across realms).
        const outcome = await store.create(impostor).then(() => 'created' as const, () => 'rejected' as const);
        expect(outcome).toBe('rejected');
        expect(await store.get(client.id)).toEqual(client);
      });

      it('returns null for an unknown id', async () => {
        expect(await store.get(randomId())).toBeNull();
      });

      it('returns null without throwing for ids of any shape', async () => {
        for (const id of ODD_IDS) {
          await expect(store.get(id)).resolves.toBeNull();
        }
      });
    });

    describe('update', () => {
      it('changes only the given fields and moves updatedAt forward', async () => {
        const client = await created({ createdAt: fromNow(-2 * HOUR), updatedAt: fromNow(-2 * HOUR) });
        const updated = await store.update(client.id, { name: 'Renamed app' });
        expect(updated).not.toBeNull();
        const { updatedAt, ...rest } = updated!;
        expect(rest).toEqual({ ...client, name: 'Renamed app', updatedAt: undefined });
        expect(updatedAt).toBeInstanceOf(Date);
        expect(updatedAt.getTime()).toBeGreaterThan(client.updatedAt.getTime());
        expect(await store.get(client.id)).toEqual(updated);
      });

      it('applies several changes at once, including to null and to empty lists', async () => {
        const client = await created({ status: 'pending', secretHash: null, createdAt: fromNow(-HOUR), updatedAt: fromNow(-HOUR) });
        const secretHash = hashSecret(randomSecret());
        const changes = {
          status: 'approved' as const, secretHash, scopes: null, redirectUris: ['https://new.example/cb'], description: 'New',
        };
        const updated = await store.update(client.id, changes);
        expect(updated).toEqual({ ...client, ...changes, updatedAt: updated?.updatedAt });
        expect(await store.get(client.id)).toEqual(updated);
        const emptied = await store.update(client.id, { redirectUris: [], scopes: [], ownerId: null });
        expect(emptied).toEqual({ ...updated, redirectUris: [], scopes: [], ownerId: null, updatedAt: emptied?.updatedAt });
      });

      it('returns null when updating an unknown client and creates nothing', async () => {
        const id = randomId();
        expect(await store.update(id, { name: 'Ghost' })).toBeNull();
        expect(await store.get(id)).toBeNull();
      });
    });

    describe('review and permission fields', () => {
      it('round-trips every switch and a pending change with every field, its time as a Date', async () => {
        const pendingChange = {
          name: 'Renamed “app” ✓', redirectUris: ['https://new.example/cb', 'http://127.0.0.1:8080/cb'], scopes: ['read'],
          postLogoutRedirectUris: ['https://new.example/bye'], isPublic: true, requestedAt: fromNow(-60_000),
        };
        const client = await created({ resourceServer: true, allowImplicit: true, allowClientCredentials: true, requirePushedRequests: true, pendingChange });
        const found = await store.get(client.id);
        expect(found).toEqual(client);
        expect(found?.pendingChange?.requestedAt).toBeInstanceOf(Date);
      });

      it('keeps a partial pending change partial: a field that was not changed does not come back, not even as undefined', async () => {
        const client = await created({ pendingChange: { scopes: [], requestedAt: fromNow(-60_000) } });
        const found = await store.get(client.id);
        expect(found?.pendingChange).toEqual({ scopes: [], requestedAt: client.pendingChange!.requestedAt });
        expect(Object.keys(found!.pendingChange!).sort()).toEqual(['requestedAt', 'scopes']);
        expect((await store.list({ ownerId: client.ownerId! }))[0]).toEqual(client);
      });

      it('sets and clears a pending change and the switches through update, leaving the reviewed fields alone', async () => {
        const client = await created();
        const pendingChange = { name: 'Next name', isPublic: false, requestedAt: fromNow(-1000) };
        const pending = await store.update(client.id, { pendingChange, resourceServer: true });
        expect(pending).toEqual({ ...client, pendingChange, resourceServer: true, updatedAt: pending?.updatedAt });
        expect(await store.get(client.id)).toEqual(pending);
        const cleared = await store.update(client.id, { pendingChange: null, resourceServer: false, allowImplicit: true, allowClientCredentials: true });
        expect(cleared).toEqual({ ...client, allowImplicit: true, allowClientCredentials: true, updatedAt: cleared?.updatedAt });
        expect(await store.get(client.id)).toEqual(cleared);
        const off = await store.update(client.id, { allowClientCredentials: false });
        expect(off).toEqual({ ...cleared, allowClientCredentials: false, updatedAt: off?.updatedAt });
        expect(await store.get(client.id)).toEqual(off);
        const pushing = await store.update(client.id, { requirePushedRequests: true });
        expect(pushing).toEqual({ ...off, requirePushedRequests: true, updatedAt: pushing?.updatedAt });
        expect(await store.get(client.id)).toEqual(pushing);
      });

      it('is not changed by mutating the pending change of a record passed in or read back', async () => {
        const client = makeClient({ pendingChange: { redirectUris: ['https://next.example/cb'], requestedAt: fromNow(-1000) } });
        const saved = structuredClone(client);
        await store.create(client);
        client.pendingChange!.redirectUris!.push('https://evil.example/');
        client.pendingChange!.requestedAt.setTime(0);
        const read = await store.get(saved.id);
        read!.pendingChange!.redirectUris!.push('https://evil.example/');
        read!.pendingChange!.name = 'Evil';
        const changes = { pendingChange: { scopes: ['read'], requestedAt: fromNow(-1000) } };
        await store.update(saved.id, changes);
        changes.pendingChange.scopes.push('delete');
        expect((await store.get(saved.id))?.pendingChange).toEqual({ scopes: ['read'], requestedAt: expect.any(Date) });
      });
    });

    describe('list', () => {
      it('lists clients by owner, by status and by both, oldest first', async () => {
        const ownerId = fakeUserId();
        // Created newest first, so that insertion order cannot pass for age order.
        const newest = await created({ ownerId, status: 'pending', createdAt: fromNow(-1 * HOUR) });
        const middle = await created({ ownerId, status: 'approved', createdAt: fromNow(-2 * HOUR) });
        const oldest = await created({ ownerId, status: 'pending', createdAt: fromNow(-3 * HOUR) });
        const stranger = await created({ ownerId: fakeUserId(), status: 'pending', createdAt: fromNow(-150 * 60_000) });

        expect(await store.list({ ownerId })).toEqual([oldest, middle, newest]);
        expect(await store.list({ ownerId, status: 'pending' })).toEqual([oldest, newest]);
        expect(await store.list({ ownerId, status: 'denied' })).toEqual([]);
        expect(await store.list({ ownerId: fakeUserId() })).toEqual([]);

        const ours = new Set([newest.id, middle.id, oldest.id, stranger.id]);
        const pending = await store.list({ status: 'pending' });
        expect(pending.every((c) => c.status === 'pending')).toBe(true);
        expect(pending.filter((c) => ours.has(c.id))).toEqual([oldest, stranger, newest]);
        expect(isOldestFirst(pending)).toBe(true);

        const all = await store.list();
        expect(all.filter((c) => ours.has(c.id))).toEqual([oldest, stranger, middle, newest]);
        expect(isOldestFirst(all)).toBe(true);
        expect((await store.list({})).filter((c) => ours.has(c.id))).toEqual([oldest, stranger, middle, newest]);
      });

      it('lists a client under its new owner and status after an update', async () => {
        const ownerId = fakeUserId();
        const client = await created({ status: 'pending' });
        await store.update(client.id, { ownerId, status: 'suspended' });
        expect((await store.list({ ownerId, status: 'suspended' })).map((c) => c.id)).toEqual([client.id]);
      });
    });

    openIdClientTests(store, created);
    registrationClientTests(store, created);

    describe('isolation of returned records', () => {
      it('is not changed by mutating a record after creating it or after reading it', async () => {
        const client = makeClient();
        const saved = structuredClone(client);
        await store.create(client);
        client.redirectUris.push('https://evil.example/');
        client.createdAt.setTime(0);
        const read = await store.get(saved.id);
        read?.scopes?.push('delete');
        read?.updatedAt.setTime(0);
        const listed = await store.list({ ownerId: saved.ownerId! });
        listed[0]?.redirectUris.push('https://evil.example/');
        expect(await store.get(saved.id)).toEqual(saved);
      });
    });
  });
}

function isOldestFirst(clients: ClientRecord[]): boolean {
  return clients.every((c, i) => i === 0 || clients[i - 1]!.createdAt.getTime() <= c.createdAt.getTime());
}
