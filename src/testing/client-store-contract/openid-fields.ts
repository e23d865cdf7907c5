/**
 * The ClientStore contract, the OpenID Connect fields of a client: post-logout redirect URIs (also
 * inside a pending change) and the ID-token algorithm, through create, get, update and list.
 */
import { describe, expect, it } from '@jest/globals';
import type { ClientStore } from '../../storage/client-store';
import type { ClientRecord } from '../../storage/records';
import { fromNow, makeClient } from '../fixtures';

const LOGOUT_URIS = ['https://app.example/logged-out?from=op&x=1', 'http://127.0.0.1:8080/bye'];

export function openIdClientTests(store: ClientStore, created: (overrides?: Partial<ClientRecord>) => Promise<ClientRecord>): void {
  describe('OpenID Connect fields', () => {
    it('returns post-logout redirect URIs and ES256 as created, from get and from list', async () => {
      const client = await created({ postLogoutRedirectUris: LOGOUT_URIS, idTokenSigningAlg: 'ES256' });
      expect(await store.get(client.id)).toEqual(client);
      expect(await store.list({ ownerId: client.ownerId! })).toEqual([client]);
      const plain = await created();
      expect(await store.get(plain.id)).toMatchObject({ postLogoutRedirectUris: [], idTokenSigningAlg: 'RS256' });
    });

    it('changes them through update, to a list and back to empty, leaving every other field alone', async () => {
      const client = await created({ updatedAt: fromNow(-60_000) });
      const set = await store.update(client.id, { postLogoutRedirectUris: LOGOUT_URIS, idTokenSigningAlg: 'ES256' });
      expect(set).toEqual({ ...client, postLogoutRedirectUris: LOGOUT_URIS, idTokenSigningAlg: 'ES256', updatedAt: set?.updatedAt });
      expect(await store.get(client.id)).toEqual(set);
      const renamed = await store.update(client.id, { name: 'Renamed' });
      expect(renamed).toMatchObject({ postLogoutRedirectUris: LOGOUT_URIS, idTokenSigningAlg: 'ES256' });
      const reset = await store.update(client.id, { postLogoutRedirectUris: [], idTokenSigningAlg: 'RS256' });
      expect(reset).toEqual({ ...client, name: 'Renamed', updatedAt: reset?.updatedAt });
      expect((await store.list({ ownerId: client.ownerId! }))[0]).toEqual(reset);
    });

    it('keeps post-logout redirect URIs in a pending change, an empty list too, and leaves them out when not changed', async () => {
      const pendingChange = { postLogoutRedirectUris: LOGOUT_URIS, requestedAt: fromNow(-60_000) };
      const client = await created({ pendingChange });
      expect((await store.get(client.id))?.pendingChange).toEqual(pendingChange);
      const emptied = { postLogoutRedirectUris: [], name: 'Next', requestedAt: fromNow(-1000) };
      expect((await store.update(client.id, { pendingChange: emptied }))?.pendingChange).toEqual(emptied);
      expect((await store.get(client.id))?.pendingChange).toEqual(emptied);
      const other = await created({ pendingChange: { name: 'Other', requestedAt: fromNow(-1000) } });
      expect(Object.keys((await store.get(other.id))!.pendingChange!).sort()).toEqual(['name', 'requestedAt']);
    });

    it('is not changed by mutating the post-logout redirect URIs of a record passed in or read back', async () => {
      const client = makeClient({ postLogoutRedirectUris: [...LOGOUT_URIS] });
      const saved = structuredClone(client);
      await store.create(client);
      client.postLogoutRedirectUris.push('https://evil.example/');
      (await store.get(saved.id))!.postLogoutRedirectUris.push('https://evil.example/');
      expect(await store.get(saved.id)).toEqual(saved);
    });
  });
}
