import { memoryClientStore, memoryTokenStore } from '../../adapters/memory';
import { hashSecret, mintGrantSecret, randomId, secretMatchesHash } from '../../src/crypto';
import { NotFoundError, ValidationError } from '../../src/errors';
import { createOAuthProvider } from '../../src';
import { createClientService, type ClientRequest } from '../../src/services/clients';
import type { ClientStore } from '../../src/storage/client-store';
import type { TokenStore } from '../../src/storage/token-store';

const SCOPES = ['identity', 'read', 'create', 'vote'];
const HOUR = 3600_000;

function setup() {
  const clients = memoryClientStore();
  const tokens = memoryTokenStore();
  const events: Array<[string, Record<string, unknown>]> = [];
  const service = createClientService({
    clients, tokens, scopes: SCOPES, maxRedirectUris: 3, emit: (event, payload) => events.push([event, payload]),
  });
  return { clients, tokens, events, service };
}

const APP: ClientRequest = { name: 'Porpl Reader', redirectUris: 'https://porpl.example/cb', description: 'Reads the front page', ownerId: 'u1' };

/** A grant of `clientId` for `userId` with one live access token, as the token endpoint would save it. */
async function issueClientToken(tokens: TokenStore, clientId: string, userId: string) {
  const grantId = randomId();
  const access = mintGrantSecret(grantId);
  const now = Date.now();
  await tokens.saveTokens(
    { id: grantId, kind: 'authorization', userId, clientId, scopes: ['read'], name: null, createdAt: new Date(now), expiresAt: new Date(now + HOUR) },
    { hash: access.hash, grantId, clientId, userId, scopes: ['read'], expiresAt: new Date(now + HOUR) },
    null,
  );
  return { grantId, hash: access.hash };
}

async function expectRejected(promise: Promise<unknown>, code: string, message: string): Promise<void> {
  const err = await promise.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(ValidationError);
  expect(err).toMatchObject({ code, message });
}

async function expectNothingStored(clients: ClientStore): Promise<void> {
  expect(await clients.list()).toEqual([]);
}

describe('createClientService', () => {
  it('stores a requested app as pending, without a secret, and emits client.requested with ids only', async () => {
    const { clients, events, service } = setup();
    const view = await service.request({ ...APP, name: '  Porpl Reader  ', scopes: 'read, vote' });
    expect(view).toMatchObject({
      name: 'Porpl Reader', description: 'Reads the front page', redirectUris: ['https://porpl.example/cb'],
      ownerId: 'u1', status: 'pending', isPublic: false, scopes: ['read', 'vote'],
    });
    expect(view.id).toMatch(/^[0-9a-f]{32}$/);
    expect(view).not.toHaveProperty('secretHash');
    expect((await clients.get(view.id))?.secretHash).toBeNull();
    expect(events).toEqual([['client.requested', { clientId: view.id, ownerId: 'u1' }]]);
  });

  it('makes a client public only when isPublic is exactly true', async () => {
    const { service } = setup();
    expect((await service.request(APP)).isPublic).toBe(false);
    expect((await service.request({ ...APP, isPublic: true })).isPublic).toBe(true);
    await expectRejected(service.request({ ...APP, isPublic: 'yes' as unknown as boolean }), 'invalid_is_public', 'isPublic: must be true or false.');
  });

  it.each<[string, Partial<ClientRequest>, string, string]>([
    ['a missing name', { name: '   ' }, 'invalid_name', 'name: is required.'],
    ['a name over 100 characters', { name: 'x'.repeat(101) }, 'invalid_name', 'name: must be at most 100 characters.'],
    ['a name with a line break', { name: 'a\nb' }, 'invalid_name', 'name: must not contain control characters or line breaks.'],
    ['a description over 1000 characters', { description: 'd'.repeat(1001) }, 'invalid_description', 'description: must be at most 1000 characters.'],
    ['an unsafe redirect URI', { redirectUris: 'javascript:alert(1)' }, 'invalid_redirect_uri',
      'redirectUris: "javascript:alert(1)" must use https (http is allowed only for localhost, 127.0.0.1 and [::1]).'],
    ['too many redirect URIs', { redirectUris: ['https://a.example/1', 'https://a.example/2', 'https://a.example/3', 'https://a.example/4'] },
      'invalid_redirect_uri', 'redirectUris: at most 3 redirect URIs may be registered (got 4).'],
    ['an unknown scope', { scopes: 'read admin' }, 'invalid_scope', 'scopes: unknown scope "admin"; valid scopes are: identity, read, create, vote.'],
    ['an empty scope list', { scopes: [] }, 'invalid_scope', 'scopes: at least one scope is required.'],
  ])('rejects %s and stores nothing', async (_label, change, code, message) => {
    const { clients, service } = setup();
    await expectRejected(service.request({ ...APP, ...change }), code, message);
    await expectNothingStored(clients);
  });

  it('accepts a name of exactly 100 characters and no scopes meaning every scope', async () => {
    const { service } = setup();
    const view = await service.request({ ...APP, name: 'é'.repeat(100), scopes: null });
    expect(view.name).toHaveLength(100);
    expect(view.scopes).toBeNull();
  });

  it('approves with a 43-character base64url secret that the store keeps only as its hash', async () => {
    const { clients, events, service } = setup();
    const { id } = await service.request(APP);
    const { client, clientSecret } = await service.approve(id);
    expect(client.status).toBe('approved');
    expect(clientSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const record = await clients.get(id);
    expect(record?.secretHash).toBe(hashSecret(clientSecret!));
    expect(secretMatchesHash(clientSecret!, record!.secretHash!)).toBe(true);
    expect(JSON.stringify(record)).not.toContain(clientSecret);
    expect(JSON.stringify(events)).not.toContain(clientSecret);
    expect(events.at(-1)).toEqual(['client.approved', { clientId: id }]);
  });

  it('approves a public client without ever giving it a secret', async () => {
    const { clients, service } = setup();
    const { id } = await service.request({ ...APP, isPublic: true });
    expect((await service.approve(id)).clientSecret).toBeNull();
    expect((await clients.get(id))?.secretHash).toBeNull();
    await expectRejected(service.rotateSecret(id), 'public_client', `isPublic: client ${id} is public and has no secret to rotate.`);
  });

  it('follows the status transitions pending -> denied -> approved -> suspended and refuses the others', async () => {
    const { service } = setup();
    const { id } = await service.request(APP);
    await expectRejected(service.suspend(id), 'invalid_status', `status: client ${id} is pending; it can be suspended only when approved.`);
    expect((await service.deny(id)).status).toBe('denied');
    await expectRejected(service.deny(id), 'invalid_status', `status: client ${id} is denied; it can be denied only when pending.`);
    expect((await service.approve(id)).client.status).toBe('approved');
    await expectRejected(service.approve(id), 'invalid_status', `status: client ${id} is approved; it can be approved only when pending or denied.`);
    expect((await service.suspend(id)).status).toBe('suspended');
    await expectRejected(service.approve(id), 'invalid_status', `status: client ${id} is suspended; it can be approved only when pending or denied.`);
  });

  it('suspends a client by revoking every grant it holds, so its access tokens stop working at once', async () => {
    const { tokens, events, service } = setup();
    const { id } = await service.request(APP);
    const other = (await service.request({ ...APP, name: 'Other' })).id;
    await service.approve(id);
    const alice = await issueClientToken(tokens, id, 'alice');
    const bob = await issueClientToken(tokens, id, 'bob');
    const untouched = await issueClientToken(tokens, other, 'alice');
    expect(await tokens.getAccessToken(alice.grantId, alice.hash)).not.toBeNull();

    await service.suspend(id);
    expect(await tokens.getAccessToken(alice.grantId, alice.hash)).toBeNull();
    expect(await tokens.getAccessToken(bob.grantId, bob.hash)).toBeNull();
    expect(await tokens.getAccessToken(untouched.grantId, untouched.hash)).not.toBeNull();
    expect(events.at(-1)).toEqual(['client.suspended', { clientId: id, revokedGrants: 2 }]);
  });

  it('rotates the secret of an approved confidential client so that only the new one matches', async () => {
    const { clients, events, service } = setup();
    const { id } = await service.request(APP);
    await expectRejected(service.rotateSecret(id), 'invalid_status', `status: client ${id} is pending; it can be given a new secret only when approved.`);
    const first = (await service.approve(id)).clientSecret!;
    const { clientSecret } = await service.rotateSecret(id);
    expect(clientSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const stored = (await clients.get(id))!.secretHash!;
    expect(secretMatchesHash(clientSecret, stored)).toBe(true);
    expect(secretMatchesHash(first, stored)).toBe(false);
    expect(events.at(-1)).toEqual(['client.secret_rotated', { clientId: id }]);
  });

  it('updates only the given fields, validating them the same way as a request', async () => {
    const { service } = setup();
    const { id } = await service.request({ ...APP, scopes: 'read' });
    const updated = await service.update(id, { redirectUris: ['https://porpl.example/cb', 'http://localhost:8080/cb'], scopes: null });
    expect(updated).toMatchObject({ name: 'Porpl Reader', redirectUris: ['https://porpl.example/cb', 'http://localhost:8080/cb'], scopes: null });
    await expectRejected(service.update(id, { redirectUris: 'https://porpl.example/cb#frag' }), 'invalid_redirect_uri',
      'redirectUris: "https://porpl.example/cb#frag" must not contain a fragment (#).');
    expect((await service.get(id))?.redirectUris).toEqual(['https://porpl.example/cb', 'http://localhost:8080/cb']);
  });

  it('throws NotFoundError for update, rotateSecret and the transitions on an unknown id, and get answers null', async () => {
    const { service } = setup();
    await expect(service.update('nope', { name: 'x' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(service.rotateSecret('nope')).rejects.toBeInstanceOf(NotFoundError);
    await expect(service.approve('nope')).rejects.toBeInstanceOf(NotFoundError);
    await expect(service.suspend('nope')).rejects.toBeInstanceOf(NotFoundError);
    expect(await service.get('nope')).toBeNull();
  });

  it('lists clients by owner and status and never shows a secret hash', async () => {
    const { service } = setup();
    const a = await service.request(APP);
    const b = await service.request({ ...APP, ownerId: 'u2' });
    await service.approve(b.id);
    expect((await service.list({ ownerId: 'u1' })).map((c) => c.id)).toEqual([a.id]);
    expect((await service.list({ status: 'approved' })).map((c) => c.id)).toEqual([b.id]);
    const all = await service.list();
    expect(all).toHaveLength(2);
    for (const view of all) expect(view).not.toHaveProperty('secretHash');
  });

  it('keeps an approval when an event listener throws, so the shown-once secret is not lost', async () => {
    const clients = memoryClientStore();
    // The provider wraps the site's onEvent once (src/options.ts); the services rely on that.
    const { clients: service } = createOAuthProvider({
      issuer: 'https://forum.example', scopes: Object.fromEntries(SCOPES.map((s) => [s, s])),
      store: { clients, tokens: memoryTokenStore() }, currentUser: () => null, loginUrl: () => '/login', maxRedirectUris: 3,
      onEvent: () => { throw new Error('listener bug'); },
    });
    const { id } = await service.request(APP);
    const { clientSecret } = await service.approve(id);
    expect(secretMatchesHash(clientSecret!, (await clients.get(id))!.secretHash!)).toBe(true);
  });
});
