import { memoryClientStore, memoryTokenStore } from '../../adapters/memory';
import { hashSecret, mintGrantSecret, randomId, secretMatchesHash } from '../../src/crypto';
import { NotFoundError, ValidationError } from '../../src/errors';
import { createOAuthProvider } from '../../src';
import { createClientService, type ClientRequest } from '../../src/services/clients';
import type { ClientStore } from '../../src/storage/client-store';
import type { TokenStore } from '../../src/storage/token-store';

const SCOPES = ['identity', 'read', 'create', 'vote'];
const HOUR = 3600_000;

const DEFAULT_SCOPES = ['identity', 'read'];

function setup(defaultScopes: string[] | null = DEFAULT_SCOPES) {
  const clients = memoryClientStore();
  const tokens = memoryTokenStore();
  const events: Array<[string, Record<string, unknown>]> = [];
  const service = createClientService({
    clients, tokens, scopes: SCOPES, defaultScopes, maxRedirectUris: 3, emit: (event, payload) => events.push([event, payload]),
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
    { id: grantId, kind: 'authorization', userId, clientId, scopes: ['read'], name: null, createdAt: new Date(now), expiresAt: new Date(now + HOUR), openid: null, resources: [] },
    { hash: access.hash, grantId, clientId, userId, scopes: ['read'], resources: [], expiresAt: new Date(now + HOUR) },
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
    ['a name with a line break', { name: 'a\nb' }, 'invalid_name', 'name: must not contain invisible, control or text-direction characters (found U+000A).'],
    ['a description over 1000 characters', { description: 'd'.repeat(1001) }, 'invalid_description', 'description: must be at most 1000 characters.'],
    ['an unsafe redirect URI', { redirectUris: 'javascript:alert(1)' }, 'invalid_redirect_uri',
      'redirectUris: "javascript:alert(1)" must use https (http is allowed only for localhost, 127.0.0.1 and [::1]).'],
    ['too many redirect URIs', { redirectUris: ['https://a.example/1', 'https://a.example/2', 'https://a.example/3', 'https://a.example/4'] },
      'invalid_redirect_uri', 'redirectUris: at most 3 redirect URIs may be registered (got 4).'],
    ['an unknown scope', { scopes: 'read admin' }, 'invalid_scope', 'scopes: unknown scope "admin"; valid scopes are: identity, read, create, vote.'],
  ])('rejects %s and stores nothing', async (_label, change, code, message) => {
    const { clients, service } = setup();
    await expectRejected(service.request({ ...APP, ...change }), code, message);
    await expectNothingStored(clients);
  });

  it('accepts a name of exactly 100 characters', async () => {
    const { service } = setup();
    const view = await service.request({ ...APP, name: 'é'.repeat(100) });
    expect(view.name).toHaveLength(100);
  });

  it.each<[string, ClientRequest['scopes']]>([['absent', undefined], ['null', null], ['an empty string', ''], ['an empty list', []]])(
    'gives an app requested with scopes %s the site\'s default scopes, never every scope', async (_label, scopes) => {
      const { clients, service } = setup();
      const input: ClientRequest = { ...APP };
      if (scopes !== undefined) input.scopes = scopes;
      const view = await service.request(input);
      expect(view.scopes).toEqual(DEFAULT_SCOPES);
      expect((await clients.get(view.id))?.scopes).toEqual(DEFAULT_SCOPES);
    });

  it('refuses an app requested without scopes when the site has no default scopes, and stores nothing', async () => {
    const { clients, service } = setup(null);
    await expectRejected(service.request(APP), 'invalid_scope', 'scopes: choose at least one scope; this site has no default scopes.');
    await expectRejected(service.request({ ...APP, scopes: null }), 'invalid_scope', 'scopes: choose at least one scope; this site has no default scopes.');
    await expectNothingStored(clients);
    expect((await service.request({ ...APP, scopes: 'read' })).scopes).toEqual(['read']);
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

  it('updates only the given fields of a pending app at once, validating them the same way as a request', async () => {
    const { service } = setup();
    const { id } = await service.request({ ...APP, scopes: 'read' });
    const { client: updated, pendingReview } = await service.update(id, { redirectUris: ['https://porpl.example/cb', 'http://localhost:8080/cb'], scopes: null });
    expect(pendingReview).toBe(false);
    expect(updated).toMatchObject({
      name: 'Porpl Reader', redirectUris: ['https://porpl.example/cb', 'http://localhost:8080/cb'], scopes: DEFAULT_SCOPES, pendingChange: null,
    });
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
    // The provider wraps the site's onEvent once (src/provider.ts); the services rely on that.
    const { clients: service } = createOAuthProvider({
      issuer: 'https://forum.example', scopes: Object.fromEntries(SCOPES.map((s) => [s, s])),
      store: { clients, tokens: memoryTokenStore() }, currentUser: () => null, loginUrl: () => '/login', maxRedirectUris: 3,
      onEvent: () => { throw new Error('listener bug'); },
    });
    const { id } = await service.request({ ...APP, scopes: 'read' });
    const { clientSecret } = await service.approve(id);
    expect(secretMatchesHash(clientSecret!, (await clients.get(id))!.secretHash!)).toBe(true);
  });
});

describe('app names and descriptions refuse characters a reader cannot see', () => {
  const HIDDEN: Array<[string, string]> = [
    ['U+202E', '\u202E'], ['U+202A', '\u202A'], ['U+202D', '\u202D'], ['U+2066', '\u2066'], ['U+2069', '\u2069'], ['U+200E', '\u200E'],
    ['U+200F', '\u200F'], ['U+061C', '\u061C'], ['U+200B', '\u200B'], ['U+200D', '\u200D'], ['U+FEFF', '\uFEFF'], ['U+00AD', '\u00AD'],
    ['U+2028', '\u2028'], ['U+2029', '\u2029'], ['U+0000', '\u0000'], ['U+007F', '\u007F'], ['U+0085', '\u0085'], ['U+D800', '\uD800'],
  ];

  it.each(HIDDEN)('refuses %s inside a name, in a request and in an edit, and stores nothing', async (codePoint, char) => {
    const { clients, service } = setup();
    const message = `name: must not contain invisible, control or text-direction characters (found ${codePoint}).`;
    await expectRejected(service.request({ ...APP, name: `Photo${char}gpj.exe` }), 'invalid_name', message);
    await expectNothingStored(clients);
    const { id } = await service.request(APP);
    await service.approve(id);
    await expectRejected(service.update(id, { name: `Photo${char}gpj.exe` }), 'invalid_name', message);
    expect(await clients.get(id)).toMatchObject({ name: 'Porpl Reader', pendingChange: null });
  });

  it.each(HIDDEN.filter(([codePoint]) => codePoint !== 'U+0000' && codePoint !== 'U+007F' && codePoint !== 'U+0085'))(
    'refuses %s inside a description', async (codePoint, char) => {
      const { clients, service } = setup();
      await expectRejected(service.request({ ...APP, description: `Reads${char}posts` }), 'invalid_description',
        `description: must not contain invisible, control or text-direction characters (found ${codePoint}).`);
      await expectNothingStored(clients);
    });

  it('keeps ordinary text: accents, other scripts, emoji, and line breaks and tabs in a description', async () => {
    const { service } = setup();
    const view = await service.request({ ...APP, name: 'Lecteur “Porpl” – قارئ 😀', description: 'Line one\r\nLine two\twith a tab' });
    expect(view).toMatchObject({ name: 'Lecteur “Porpl” – قارئ 😀', description: 'Line one\r\nLine two\twith a tab' });
  });
});

describe('reviewed changes of approved apps', () => {
  async function approvedApp(input: Partial<ClientRequest> = {}) {
    const ctx = setup();
    const { id } = await ctx.service.request({ ...APP, scopes: 'read', ...input });
    const { clientSecret } = await ctx.service.approve(id);
    ctx.events.length = 0;
    return { ...ctx, id, clientSecret };
  }

  it('keeps the approved name, redirect URIs, scopes and type while an edit of them waits, and says so', async () => {
    const { clients, events, service, id } = await approvedApp();
    const before = (await clients.get(id))!;
    const { client, pendingReview } = await service.update(id, {
      name: 'Porpl Writer', redirectUris: 'https://evil.example/cb', scopes: 'read,create', isPublic: true, description: 'Now writes too',
    });
    expect(pendingReview).toBe(true);
    expect(client).toMatchObject({ name: 'Porpl Reader', redirectUris: ['https://porpl.example/cb'], scopes: ['read'], isPublic: false });
    // The description is not reviewed: it applies at once.
    expect(client.description).toBe('Now writes too');
    expect(client.pendingChange).toEqual({
      name: 'Porpl Writer', redirectUris: ['https://evil.example/cb'], scopes: ['read', 'create'], isPublic: true, requestedAt: expect.any(Date),
    });
    const stored = (await clients.get(id))!;
    expect({ ...stored, pendingChange: null, description: before.description, updatedAt: before.updatedAt }).toEqual(before);
    expect(events).toEqual([['client.change_requested', { clientId: id, fields: ['name', 'redirectUris', 'scopes', 'isPublic'] }]]);
  });

  it('lists apps with a change waiting, for the admin queue', async () => {
    const { service, id } = await approvedApp();
    const untouched = (await service.request({ ...APP, name: 'Untouched' })).id;
    expect(await service.list({ pendingChange: true })).toEqual([]);
    await service.update(id, { name: 'Porpl Writer' });
    expect((await service.list({ pendingChange: true })).map((c) => c.id)).toEqual([id]);
    expect((await service.list()).map((c) => c.id)).toEqual([id, untouched]);
  });

  it('merges a second edit into the waiting change and drops a field edited back to its approved value', async () => {
    const { service, events, id } = await approvedApp();
    await service.update(id, { name: 'Porpl Writer' });
    const second = await service.update(id, { scopes: 'read vote' });
    expect(second.client.pendingChange).toEqual({ name: 'Porpl Writer', scopes: ['read', 'vote'], requestedAt: expect.any(Date) });
    const back = await service.update(id, { name: 'Porpl Reader' });
    expect(back.client.pendingChange).toEqual({ scopes: ['read', 'vote'], requestedAt: expect.any(Date) });
    const none = await service.update(id, { scopes: ['read'] });
    expect(none).toMatchObject({ pendingReview: false, client: { pendingChange: null } });
    // Saving the form again unchanged is not a new request.
    await service.update(id, { name: 'Porpl Writer' });
    const count = events.length;
    expect((await service.update(id, { name: 'Porpl Writer', redirectUris: 'https://porpl.example/cb' })).pendingReview).toBe(true);
    expect(events.length).toBe(count);
  });

  it('applies the change on approval, with no new secret when the type stays, and empties the queue', async () => {
    const { clients, events, service, id, clientSecret } = await approvedApp();
    await service.update(id, { name: 'Porpl Writer', redirectUris: ['https://porpl.example/cb', 'https://porpl.example/cb2'] });
    const { client, clientSecret: newSecret } = await service.approveChange(id);
    expect(newSecret).toBeNull();
    expect(client).toMatchObject({ name: 'Porpl Writer', redirectUris: ['https://porpl.example/cb', 'https://porpl.example/cb2'], pendingChange: null });
    expect(secretMatchesHash(clientSecret!, (await clients.get(id))!.secretHash!)).toBe(true);
    expect(events.at(-1)).toEqual(['client.change_approved', { clientId: id, fields: ['name', 'redirectUris'], revokedGrants: 0 }]);
    await expectRejected(service.approveChange(id), 'no_pending_change', `pendingChange: client ${id} has no change waiting for review.`);
  });

  it('drops the change on denial, keeping every approved value', async () => {
    const { clients, events, service, id } = await approvedApp();
    const before = (await clients.get(id))!;
    await service.update(id, { redirectUris: 'https://evil.example/cb' });
    expect(await service.denyChange(id)).toMatchObject({ redirectUris: ['https://porpl.example/cb'], pendingChange: null });
    expect({ ...(await clients.get(id))!, updatedAt: before.updatedAt }).toEqual(before);
    expect(events.at(-1)).toEqual(['client.change_denied', { clientId: id }]);
    await expectRejected(service.denyChange(id), 'no_pending_change', `pendingChange: client ${id} has no change waiting for review.`);
  });

  it('gives a public app that becomes confidential its first secret on approval of the change, shown once', async () => {
    const { clients, service, id, clientSecret } = await approvedApp({ isPublic: true });
    expect(clientSecret).toBeNull();
    await service.update(id, { isPublic: false });
    expect((await clients.get(id))).toMatchObject({ isPublic: true, secretHash: null });
    const approved = await service.approveChange(id);
    expect(approved.client.isPublic).toBe(false);
    expect(approved.clientSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await clients.get(id))!.secretHash).toBe(hashSecret(approved.clientSecret!));
  });

  it('makes a confidential app public only on approval, dropping its secret, its switches and its grants', async () => {
    const { clients, tokens, service, events, id } = await approvedApp({ resourceServer: true, allowImplicit: true });
    const live = await issueClientToken(tokens, id, 'alice');
    await service.update(id, { isPublic: true });
    expect(await tokens.getAccessToken(live.grantId, live.hash)).not.toBeNull();
    const { client, clientSecret } = await service.approveChange(id);
    expect(clientSecret).toBeNull();
    expect(client).toMatchObject({ isPublic: true, resourceServer: false, allowImplicit: false });
    expect((await clients.get(id))!.secretHash).toBeNull();
    // Its refresh tokens would otherwise be redeemable without any secret from now on.
    expect(await tokens.getAccessToken(live.grantId, live.hash)).toBeNull();
    expect(events.at(-1)).toEqual(['client.change_approved', { clientId: id, fields: ['isPublic'], revokedGrants: 1 }]);
  });

  it('reviews edits of a suspended app too, but applies edits of a denied one at once', async () => {
    const { service, id } = await approvedApp();
    await service.suspend(id);
    expect((await service.update(id, { name: 'Back again' })).pendingReview).toBe(true);
    const denied = (await service.request({ ...APP, name: 'Spam' })).id;
    await service.deny(denied);
    expect((await service.update(denied, { name: 'Not spam', isPublic: true })).client).toMatchObject({ name: 'Not spam', isPublic: true, pendingChange: null });
  });

  it('refuses a bad edit whole: nothing is queued and nothing applied', async () => {
    const { clients, service, id } = await approvedApp();
    const before = (await clients.get(id))!;
    await expectRejected(service.update(id, { name: 'Fine', description: 'Fine', scopes: 'read admin' }), 'invalid_scope',
      'scopes: unknown scope "admin"; valid scopes are: identity, read, create, vote.');
    await expectRejected(service.update(id, { isPublic: 'yes' as unknown as boolean }), 'invalid_is_public', 'isPublic: must be true or false.');
    expect(await clients.get(id)).toEqual(before);
  });
});

describe('resource servers and the implicit switch', () => {
  it('stores both switches from a request and changes them with setPermissions, with an event', async () => {
    const { clients, events, service } = setup();
    const { id } = await service.request({ ...APP, resourceServer: true });
    expect(await clients.get(id)).toMatchObject({ resourceServer: true, allowImplicit: false });
    const view = await service.setPermissions(id, { allowImplicit: true });
    expect(view).toMatchObject({ resourceServer: true, allowImplicit: true });
    expect(await service.setPermissions(id, { resourceServer: false })).toMatchObject({ resourceServer: false, allowImplicit: true });
    expect(events.at(-1)).toEqual(['client.permissions_changed', { clientId: id, resourceServer: false, allowImplicit: true, allowClientCredentials: false }]);
  });

  it('defaults both to off', async () => {
    const { service } = setup();
    expect(await service.request(APP)).toMatchObject({ resourceServer: false, allowImplicit: false });
  });

  it('refuses either switch for a public client, and values that are not booleans', async () => {
    const { clients, service } = setup();
    await expectRejected(service.request({ ...APP, isPublic: true, resourceServer: true }), 'public_client',
      'resourceServer: only a confidential client can have it; this one is public.');
    await expectRejected(service.request({ ...APP, isPublic: true, allowImplicit: true }), 'public_client',
      'allowImplicit: only a confidential client can have it; this one is public.');
    await expectNothingStored(clients);
    const { id } = await service.request({ ...APP, isPublic: true });
    await expectRejected(service.setPermissions(id, { allowImplicit: true }), 'public_client',
      'allowImplicit: only a confidential client can have it; this one is public.');
    await expectRejected(service.setPermissions(id, { resourceServer: 'yes' as unknown as boolean }), 'invalid_resource_server',
      'resourceServer: must be true or false.');
    expect(await clients.get(id)).toMatchObject({ resourceServer: false, allowImplicit: false });
    await expect(service.setPermissions('nope', { resourceServer: true })).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('the client_credentials switch', () => {
  /** What the token endpoint saves for a client_credentials request: a grant with no user. */
  async function issueOwnToken(tokens: TokenStore, clientId: string) {
    const grantId = randomId();
    const access = mintGrantSecret(grantId);
    const expiresAt = new Date(Date.now() + HOUR);
    await tokens.saveTokens(
      { id: grantId, kind: 'client', userId: null, clientId, scopes: ['read'], name: null, createdAt: new Date(), expiresAt, openid: null, resources: [] },
      { hash: access.hash, grantId, clientId, userId: null, scopes: ['read'], resources: [], expiresAt },
      null,
    );
    return { grantId, hash: access.hash };
  }

  it('is off by default, set by a request or setPermissions, and refused for a public client', async () => {
    const { clients, service } = setup();
    expect(await service.request(APP)).toMatchObject({ allowClientCredentials: false });
    const { id } = await service.request({ ...APP, allowClientCredentials: true });
    expect(await clients.get(id)).toMatchObject({ allowClientCredentials: true });
    await expectRejected(service.request({ ...APP, isPublic: true, allowClientCredentials: true }), 'public_client',
      'allowClientCredentials: only a confidential client can have it; this one is public.');
    const pub = (await service.request({ ...APP, isPublic: true })).id;
    await expectRejected(service.setPermissions(pub, { allowClientCredentials: true }), 'public_client',
      'allowClientCredentials: only a confidential client can have it; this one is public.');
    await expectRejected(service.setPermissions(id, { allowClientCredentials: 1 as unknown as boolean }), 'invalid_allow_client_credentials',
      'allowClientCredentials: must be true or false.');
  });

  it('turned off, revokes the tokens the client got for itself and leaves its users\' grants alone', async () => {
    const { tokens, service, events } = setup();
    const { id } = await service.request({ ...APP, scopes: 'read', allowClientCredentials: true });
    await service.approve(id);
    const own = await issueOwnToken(tokens, id);
    const users = await issueClientToken(tokens, id, 'alice');
    await service.setPermissions(id, { resourceServer: true });
    expect(await tokens.getAccessToken(own.grantId, own.hash)).not.toBeNull();
    await service.setPermissions(id, { allowClientCredentials: false });
    expect(await tokens.getAccessToken(own.grantId, own.hash)).toBeNull();
    expect(await tokens.getAccessToken(users.grantId, users.hash)).not.toBeNull();
    expect(events.at(-1)).toEqual(['client.permissions_changed',
      { clientId: id, resourceServer: true, allowImplicit: false, allowClientCredentials: false, revokedGrants: 1 }]);
  });

  it('revokes the client\'s own tokens whenever it is set off, even if the record read already said off', async () => {
    const { clients, tokens, service } = setup();
    const { id } = await service.request({ ...APP, scopes: 'read', allowClientCredentials: true });
    await service.approve(id);
    const own = await issueOwnToken(tokens, id);
    // Issued while another admin's change was landing: the record says off, the token is live.
    await clients.update(id, { allowClientCredentials: false });
    await service.setPermissions(id, { allowClientCredentials: false });
    expect(await tokens.getAccessToken(own.grantId, own.hash)).toBeNull();
  });

  it('is dropped, with the client\'s own tokens, when the app becomes public', async () => {
    const { clients, tokens, service } = setup();
    const { id } = await service.request({ ...APP, scopes: 'read', allowClientCredentials: true });
    await service.approve(id);
    const own = await issueOwnToken(tokens, id);
    await service.update(id, { isPublic: true });
    await service.approveChange(id);
    expect(await clients.get(id)).toMatchObject({ isPublic: true, allowClientCredentials: false });
    expect(await tokens.getAccessToken(own.grantId, own.hash)).toBeNull();
  });
});
