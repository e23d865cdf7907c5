import { describe, expect, it } from '@jest/globals';
import { memoryClientStore, memoryKeyStore, memoryTokenStore } from '../../adapters/memory';
import { makeAccessToken, makeClient, makeGrant, runClientStoreContract, runKeyStoreContract, runTokenStoreContract } from '../../src/testing';

runTokenStoreContract('memory', () => memoryTokenStore());
runClientStoreContract('memory', () => memoryClientStore());
runKeyStoreContract('memory', () => memoryKeyStore());

describe('memory stores', () => {
  it('keep separate data per instance', async () => {
    const [a, b] = [memoryTokenStore(), memoryTokenStore()];
    const grant = makeGrant();
    expect(await a.saveTokens(grant, makeAccessToken(grant), null)).toBe(true);
    expect(await b.getGrant(grant.id)).toBeNull();
    const [ca, cb] = [memoryClientStore(), memoryClientStore()];
    const client = makeClient();
    await ca.create(client);
    expect(await cb.get(client.id)).toBeNull();
  });

  it('ignore undefined values and the immutable fields in an update from plain JavaScript', async () => {
    const store = memoryClientStore();
    const client = makeClient();
    await store.create(client);
    const changes = { name: undefined, id: 'other', createdAt: new Date(0), description: 'New' } as never;
    const updated = await store.update(client.id, changes);
    expect(updated).toEqual({ ...client, description: 'New', updatedAt: updated?.updatedAt });
    expect(await store.get('other')).toBeNull();
  });

  it('refuse tokens saved under a grant they do not belong to', async () => {
    const store = memoryTokenStore();
    const grant = makeGrant();
    await expect(store.saveTokens(grant, makeAccessToken(makeGrant()), null)).rejects.toThrow(TypeError);
    expect(await store.getGrant(grant.id)).toBeNull();
  });
});
