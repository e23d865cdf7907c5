import { memoryClientStore, memoryTokenStore } from '../../adapters/memory';
import { mintGrantSecret, randomId } from '../../src/crypto';
import { createGrantService } from '../../src/services/grants';
import type { ClientStore } from '../../src/storage/client-store';
import type { GrantRecord } from '../../src/storage/records';
import type { TokenStore } from '../../src/storage/token-store';

const HOUR = 3600_000;

async function addClient(clients: ClientStore, name: string): Promise<string> {
  const id = randomId();
  const now = new Date();
  await clients.create({
    id, name, description: '', redirectUris: ['https://app.example/cb'], ownerId: null, status: 'approved',
    isPublic: false, secretHash: null, scopes: null, resourceServer: false, allowImplicit: false, allowClientCredentials: false, requirePushedRequests: false,
    postLogoutRedirectUris: [], idTokenSigningAlg: 'RS256', pendingChange: null, origin: 'site', registration: null, createdAt: now, updatedAt: now,
  });
  return id;
}

/** Saves a grant with one access token; `ageMs` back-dates it so the order of grants is known. */
async function addGrant(tokens: TokenStore, userId: string, clientId: string | null, ageMs = 0) {
  const grantId = randomId();
  const access = mintGrantSecret(grantId);
  const now = Date.now();
  const grant: GrantRecord = {
    id: grantId, kind: clientId === null ? 'personal' : 'authorization', userId, clientId, scopes: ['read'],
    name: clientId === null ? 'cli' : null, createdAt: new Date(now - ageMs), expiresAt: new Date(now + HOUR), openid: null, resources: [],
  };
  await tokens.saveTokens(grant, { hash: access.hash, grantId, clientId, userId, scopes: ['read'], resources: [], expiresAt: grant.expiresAt }, null);
  return { grantId, hash: access.hash };
}

function setup() {
  const clients = memoryClientStore();
  const tokens = memoryTokenStore();
  const events: Array<[string, Record<string, unknown>]> = [];
  const service = createGrantService({ clients, tokens, emit: (event, payload) => events.push([event, payload]) });
  return { clients, tokens, events, service };
}

describe('createGrantService', () => {
  it('lists a user\'s authorized apps newest first, with their names, leaving out personal tokens and other users', async () => {
    const { clients, tokens, service } = setup();
    const reader = await addClient(clients, 'Porpl Reader');
    const voter = await addClient(clients, 'Voter');
    const older = await addGrant(tokens, 'alice', reader, 2000);
    const newer = await addGrant(tokens, 'alice', voter, 1000);
    await addGrant(tokens, 'alice', null);
    await addGrant(tokens, 'bob', reader);

    const apps = await service.listForUser('alice');
    expect(apps.map((app) => [app.grantId, app.clientId, app.clientName])).toEqual([
      [newer.grantId, voter, 'Voter'],
      [older.grantId, reader, 'Porpl Reader'],
    ]);
    expect(apps[0]?.scopes).toEqual(['read']);
  });

  it('still lists a grant whose app record is gone, so the user can revoke it', async () => {
    const { tokens, service } = setup();
    await addGrant(tokens, 'alice', 'deleted-client');
    expect((await service.listForUser('alice'))[0]?.clientName).toBe('Unknown app');
  });

  it('revokes a grant, kills its access token and emits grant.revoked with ids only', async () => {
    const { clients, tokens, events, service } = setup();
    const clientId = await addClient(clients, 'App');
    const { grantId, hash } = await addGrant(tokens, 'alice', clientId);
    expect(await service.revoke(grantId)).toBe(true);
    expect(await tokens.getAccessToken(grantId, hash)).toBeNull();
    expect(await service.revoke(grantId)).toBe(false);
    expect(events).toEqual([['grant.revoked', { grantId, userId: 'alice', clientId }]]);
  });

  it('refuses to revoke another user\'s grant when a userId is given', async () => {
    const { clients, tokens, service } = setup();
    const { grantId, hash } = await addGrant(tokens, 'bob', await addClient(clients, 'App'));
    expect(await service.revoke(grantId, { userId: 'alice' })).toBe(false);
    expect(await tokens.getAccessToken(grantId, hash)).not.toBeNull();
    expect(await service.revoke(grantId, { userId: 'bob' })).toBe(true);
  });

  it('answers false for an unknown or empty grant id', async () => {
    const { service } = setup();
    expect(await service.revoke(randomId())).toBe(false);
    expect(await service.revoke('')).toBe(false);
  });

  it('revokes every grant of one user for one app and leaves other users and other apps alone', async () => {
    const { clients, tokens, service } = setup();
    const app = await addClient(clients, 'App');
    const otherApp = await addClient(clients, 'Other');
    const mine = [await addGrant(tokens, 'alice', app), await addGrant(tokens, 'alice', app)];
    const bobs = await addGrant(tokens, 'bob', app);
    const otherAppGrant = await addGrant(tokens, 'alice', otherApp);

    expect(await service.revokeClientForUser('alice', app)).toBe(2);
    for (const { grantId, hash } of mine) expect(await tokens.getAccessToken(grantId, hash)).toBeNull();
    expect(await tokens.getAccessToken(bobs.grantId, bobs.hash)).not.toBeNull();
    expect(await tokens.getAccessToken(otherAppGrant.grantId, otherAppGrant.hash)).not.toBeNull();
  });

  it('revokes everything a user granted, personal tokens included, and nothing of other users', async () => {
    const { clients, tokens, service } = setup();
    const app = await addClient(clients, 'App');
    const grants = [await addGrant(tokens, 'alice', app), await addGrant(tokens, 'alice', null)];
    const bobs = await addGrant(tokens, 'bob', app);

    expect(await service.revokeAllForUser('alice')).toBe(2);
    for (const { grantId, hash } of grants) expect(await tokens.getAccessToken(grantId, hash)).toBeNull();
    expect(await tokens.getAccessToken(bobs.grantId, bobs.hash)).not.toBeNull();
    expect(await service.listForUser('alice')).toEqual([]);
  });

  it('treats an empty user id as nobody rather than as "every user"', async () => {
    const { clients, tokens, service } = setup();
    const bobs = await addGrant(tokens, 'bob', await addClient(clients, 'App'));
    expect(await service.revokeAllForUser('')).toBe(0);
    expect(await tokens.getAccessToken(bobs.grantId, bobs.hash)).not.toBeNull();
  });
});
