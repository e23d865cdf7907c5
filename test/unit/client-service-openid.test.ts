/** The client service's OpenID Connect fields: post-logout redirect URIs (reviewed) and the ID-token algorithm (not). */
import { memoryClientStore, memoryTokenStore } from '../../adapters/memory';
import { ValidationError } from '../../src/errors';
import { createClientService, type ClientRequest, type ClientUpdate } from '../../src/services/clients';

const APP: ClientRequest = { name: 'Porpl Reader', redirectUris: 'https://porpl.example/cb', ownerId: 'u1', scopes: 'read' };
const BYE = 'https://porpl.example/bye';
const HTTPS_ONLY = 'must use https (http is allowed only for localhost, 127.0.0.1 and [::1])';

function setup() {
  const clients = memoryClientStore();
  const events: Array<[string, Record<string, unknown>]> = [];
  const service = createClientService({
    clients, tokens: memoryTokenStore(), scopes: ['identity', 'read'], defaultScopes: ['identity'], maxRedirectUris: 3,
    emit: (event, payload) => events.push([event, payload]),
  });
  return { clients, events, service };
}

async function rejection(promise: Promise<unknown>): Promise<ValidationError> {
  const err = await promise.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(ValidationError);
  return err as ValidationError;
}

/** Input that must be refused, with the error it must give (a request and an edit give the same). */
const REFUSED: Array<[string, Partial<ClientUpdate>, { code: string; field: string; message: string }]> = [
  ['a post-logout URI with a fragment', { postLogoutRedirectUris: 'https://porpl.example/bye#x' }, {
    code: 'invalid_post_logout_redirect_uri', field: 'postLogoutRedirectUris',
    message: 'postLogoutRedirectUris: "https://porpl.example/bye#x" must not contain a fragment (#).',
  }],
  ['a plain-http post-logout URI off loopback', { postLogoutRedirectUris: [BYE, 'http://porpl.example/bye'] }, {
    code: 'invalid_post_logout_redirect_uri', field: 'postLogoutRedirectUris',
    message: `postLogoutRedirectUris: "http://porpl.example/bye" ${HTTPS_ONLY}.`,
  }],
  ['a javascript: post-logout URI', { postLogoutRedirectUris: 'javascript:alert(1)' }, {
    code: 'invalid_post_logout_redirect_uri', field: 'postLogoutRedirectUris',
    message: `postLogoutRedirectUris: "javascript:alert(1)" ${HTTPS_ONLY}.`,
  }],
  ['more post-logout URIs than maxRedirectUris', { postLogoutRedirectUris: ['https://a.example/1', 'https://a.example/2', 'https://a.example/3', 'https://a.example/4'] }, {
    code: 'invalid_post_logout_redirect_uri', field: 'postLogoutRedirectUris',
    message: 'postLogoutRedirectUris: at most 3 post-logout redirect URIs may be registered (got 4).',
  }],
  ['post-logout URIs that are neither a string nor a list of strings', { postLogoutRedirectUris: [42] as unknown as string[] }, {
    code: 'invalid_post_logout_redirect_uri', field: 'postLogoutRedirectUris',
    message: 'postLogoutRedirectUris: must be a string of comma-separated URIs or a list of strings.',
  }],
  ...['HS256', 'none', 'rs256', ''].map((alg): [string, Partial<ClientUpdate>, { code: string; field: string; message: string }] => [
    `the ID-token algorithm ${JSON.stringify(alg)}`, { idTokenSigningAlg: alg as 'RS256' }, {
      code: 'invalid_id_token_signing_alg', field: 'idTokenSigningAlg', message: 'idTokenSigningAlg: must be RS256 or ES256.',
    },
  ]),
];

describe('a requested app', () => {
  it('has no post-logout redirect URIs and RS256 unless it asks, and shows both', async () => {
    const { clients, service } = setup();
    const view = await service.request(APP);
    expect(view).toMatchObject({ postLogoutRedirectUris: [], idTokenSigningAlg: 'RS256' });
    expect(await clients.get(view.id)).toMatchObject({ postLogoutRedirectUris: [], idTokenSigningAlg: 'RS256' });
    for (const none of ['', [], ' , '] as Array<string | string[]>) {
      expect((await service.request({ ...APP, postLogoutRedirectUris: none })).postLogoutRedirectUris).toEqual([]);
    }
  });

  it('keeps the post-logout redirect URIs it gives, as a list or a comma-separated string, and ES256', async () => {
    const { clients, service } = setup();
    const view = await service.request({ ...APP, postLogoutRedirectUris: `${BYE}, http://127.0.0.1:8080/bye,${BYE}`, idTokenSigningAlg: 'ES256' });
    expect(view).toMatchObject({ postLogoutRedirectUris: [BYE, 'http://127.0.0.1:8080/bye'], idTokenSigningAlg: 'ES256' });
    expect(await clients.get(view.id)).toMatchObject({ postLogoutRedirectUris: [BYE, 'http://127.0.0.1:8080/bye'], idTokenSigningAlg: 'ES256' });
  });

  it.each(REFUSED)('is refused for %s, and nothing is stored', async (_label, change, expected) => {
    const { clients, service } = setup();
    expect(await rejection(service.request({ ...APP, ...change } as ClientRequest))).toMatchObject(expected);
    expect(await clients.list()).toEqual([]);
  });
});

describe('an edit', () => {
  async function approvedApp(input: Partial<ClientRequest> = {}) {
    const ctx = setup();
    const { id } = await ctx.service.request({ ...APP, ...input });
    await ctx.service.approve(id);
    ctx.events.length = 0;
    return { ...ctx, id };
  }

  it('of an app not yet approved applies both fields at once', async () => {
    const { service } = setup();
    const { id } = await service.request(APP);
    const { client, pendingReview } = await service.update(id, { postLogoutRedirectUris: [BYE], idTokenSigningAlg: 'ES256' });
    expect(pendingReview).toBe(false);
    expect(client).toMatchObject({ postLogoutRedirectUris: [BYE], idTokenSigningAlg: 'ES256', pendingChange: null });
  });

  it('of an approved app\'s post-logout redirect URIs waits for review, keeping the approved ones until approval', async () => {
    const { clients, events, service, id } = await approvedApp({ postLogoutRedirectUris: BYE });
    const next = ['https://porpl.example/bye2', 'https://porpl.example/bye3'];
    const { client, pendingReview } = await service.update(id, { postLogoutRedirectUris: next });
    expect(pendingReview).toBe(true);
    expect(client.postLogoutRedirectUris).toEqual([BYE]);
    expect(client.pendingChange).toEqual({ postLogoutRedirectUris: next, requestedAt: expect.any(Date) });
    expect((await clients.get(id))?.postLogoutRedirectUris).toEqual([BYE]);
    expect(events).toEqual([['client.change_requested', { clientId: id, fields: ['postLogoutRedirectUris'] }]]);
    expect((await service.list({ pendingChange: true })).map((c) => c.id)).toEqual([id]);

    const approved = await service.approveChange(id);
    expect(approved.client).toMatchObject({ postLogoutRedirectUris: next, pendingChange: null });
    expect((await clients.get(id))?.postLogoutRedirectUris).toEqual(next);
    expect(events.at(-1)).toEqual(['client.change_approved', { clientId: id, fields: ['postLogoutRedirectUris'], revokedGrants: 0 }]);
  });

  it('removing every post-logout redirect URI is reviewed too; denied, the approved ones stay; edited back, it leaves the queue', async () => {
    const { clients, service, id } = await approvedApp({ postLogoutRedirectUris: BYE });
    expect((await service.update(id, { postLogoutRedirectUris: '' })).client.pendingChange)
      .toEqual({ postLogoutRedirectUris: [], requestedAt: expect.any(Date) });
    expect((await service.denyChange(id)).postLogoutRedirectUris).toEqual([BYE]);
    await service.update(id, { postLogoutRedirectUris: [], name: 'Porpl Writer' });
    const back = await service.update(id, { postLogoutRedirectUris: [BYE] });
    expect(back.client.pendingChange).toEqual({ name: 'Porpl Writer', requestedAt: expect.any(Date) });
    expect((await clients.get(id))?.postLogoutRedirectUris).toEqual([BYE]);
  });

  it('of an approved app\'s ID-token algorithm applies at once, beside a reviewed change that waits', async () => {
    const { events, service, id } = await approvedApp();
    const alone = await service.update(id, { idTokenSigningAlg: 'ES256' });
    expect(alone).toMatchObject({ pendingReview: false, client: { idTokenSigningAlg: 'ES256', pendingChange: null } });
    expect(events).toEqual([]);
    const both = await service.update(id, { idTokenSigningAlg: 'RS256', postLogoutRedirectUris: [BYE] });
    expect(both.pendingReview).toBe(true);
    expect(both.client).toMatchObject({ idTokenSigningAlg: 'RS256', postLogoutRedirectUris: [] });
    expect(both.client.pendingChange).toEqual({ postLogoutRedirectUris: [BYE], requestedAt: expect.any(Date) });
  });

  it.each(REFUSED)('is refused whole for %s: nothing queued, nothing applied', async (_label, change, expected) => {
    const { clients, service, id } = await approvedApp();
    const before = await clients.get(id);
    const err = await rejection(service.update(id, { name: 'Fine', description: 'Fine', idTokenSigningAlg: 'ES256', ...change }));
    expect(err).toMatchObject(expected);
    expect(await clients.get(id)).toEqual(before);
  });
});
