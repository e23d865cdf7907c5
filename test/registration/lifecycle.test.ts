/**
 * RFC 7591 registration and RFC 7592 management from the outside: a registered app waits in the
 * admin queue (the awaiting-review page at /authorize, no tokens), works once approved, and is
 * read, updated and deleted with its registration access token.
 */
import request from 'supertest';
import { ISSUER, asUser, authorizeQuery, basic, callApi, exchange, getCode, tokensFor } from '../support/provider-fixture';
import type { Fixture } from '../support/provider-fixture';
import { useFakeClock } from '../support/fake-clock';
import {
  asTestClient, confidentialMetadata, configuration, NATIVE_REDIRECT, publicMetadata, registered, registrationFixture,
} from './support';

const clock = useFakeClock();
let f: Fixture;
beforeEach(async () => {
  f = await registrationFixture();
});

describe('registration (RFC 7591)', () => {
  it('answers 201 with the client information of a public client, which waits in the queue marked as registered', async () => {
    const before = Math.floor(Date.now() / 1000);
    const info = await registered(f, publicMetadata());
    expect(info).toEqual({
      client_id: expect.stringMatching(/^[0-9a-f]{32}$/),
      client_id_issued_at: expect.any(Number),
      registration_access_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      registration_client_uri: `${ISSUER}/oauth/register/${info.client_id}`,
      client_name: 'Agent', redirect_uris: [NATIVE_REDIRECT], token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], scope: 'read',
    });
    expect(info.client_id_issued_at).toBeGreaterThanOrEqual(before);
    const view = await f.oauth.clients.get(info.client_id);
    expect(view).toMatchObject({ status: 'pending', origin: 'registration', isPublic: true, ownerId: null, scopes: ['read'] });
    expect(view!.registration).toEqual({ tokenEndpointAuthMethod: 'none', expiresAt: expect.any(Date) });
    expect((await f.oauth.clients.list({ status: 'pending' })).map((c) => c.id)).toContain(info.client_id);
    // Only the hash is stored.
    const record = await f.clients.get(info.client_id);
    expect(JSON.stringify(record)).not.toContain(info.registration_access_token);
    expect(f.events.map((e) => e.event)).toContain('client.registered');
  });

  it('answers no-store JSON', async () => {
    const res = await request(f.app).post('/oauth/register').send(publicMetadata());
    expect(res.status).toBe(201);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['content-type']).toMatch(/^application\/json/);
  });

  it('shows the awaiting-review page at /authorize, without a redirect, until an admin approves; then the PKCE flow works', async () => {
    const info = await registered(f, publicMetadata());
    const client = asTestClient(info);
    const page = await request(f.app).get(`/oauth/authorize?${authorizeQuery(client)}`).set('Cookie', asUser());
    expect(page.status).toBe(403);
    expect(page.headers.location).toBeUndefined();
    expect(page.text).toContain('awaits the site&#39;s review');

    const approved = await f.oauth.clients.approve(info.client_id);
    expect(approved.clientSecret).toBeNull();
    const tokens = await tokensFor(f, client);
    expect((await callApi(f, tokens.access_token)).status).toBe(200);
  });

  it('gives a confidential client its secret at registration; it gets no token before approval, and the same secret works after', async () => {
    const info = await registered(f, confidentialMetadata());
    expect(info.client_secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(info.client_secret_expires_at).toBe(0);
    expect(info.token_endpoint_auth_method).toBe('client_secret_basic');
    const record = await f.clients.get(info.client_id);
    expect(JSON.stringify(record)).not.toContain(info.client_secret);
    const client = asTestClient(info);

    const early = await request(f.app).post('/oauth/token').set('Authorization', basic(client.id, client.secret!)).type('form')
      .send({ grant_type: 'authorization_code', code: 'x', redirect_uri: client.redirectUri });
    expect(early.status).toBe(401);
    expect(early.body.error).toBe('invalid_client');

    const approved = await f.oauth.clients.approve(info.client_id);
    expect(approved.clientSecret).toBeNull();
    const code = await getCode(f, client, { scope: 'read write' });
    const res = await exchange(f, client, code);
    expect(res.status).toBe(200);
    expect(res.body.scope).toBe('read write');
  });

  it('marks apps requested on the apps tab and apps made by the site with their own origins', async () => {
    const requested = await f.oauth.clients.request({ name: 'Tab app', redirectUris: ['https://tab.example/cb'], ownerId: 'dev', scopes: ['read'] });
    const site = await f.oauth.clients.request({ name: 'Site app', redirectUris: ['https://site.example/cb'], scopes: ['read'] });
    expect(requested.origin).toBe('apps-tab');
    expect(site.origin).toBe('site');
    expect(requested.registration).toBeNull();
  });
});

describe('management (RFC 7592)', () => {
  it('reads the registration with its token, echoing that token', async () => {
    const info = await registered(f, confidentialMetadata());
    const res = await configuration(f, info).get();
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const { client_secret: _s, client_secret_expires_at: _e, ...rest } = info;
    expect(res.body).toEqual(rest);
  });

  it('answers one and the same 401 for a wrong token, another scheme, another client\'s token and an unknown client', async () => {
    const info = await registered(f, publicMetadata());
    const other = await registered(f, publicMetadata({ client_name: 'Other agent' }));
    const path = `/oauth/register/${info.client_id}`;
    const answers = [
      await configuration(f, info, 'x'.repeat(43)).get(),
      await request(f.app).get(path).set('Authorization', `Basic ${Buffer.from('a:b').toString('base64')}`),
      await configuration(f, info, other.registration_access_token).get(),
      await request(f.app).get('/oauth/register/0123456789abcdef0123456789abcdef').set('Authorization', `Bearer ${info.registration_access_token}`),
      await request(f.app).get(`/oauth/register/${'z'.repeat(300)}`).set('Authorization', `Bearer ${info.registration_access_token}`),
    ];
    for (const res of answers) {
      expect(res.status).toBe(401);
      expect(res.body).toEqual(answers[0]!.body);
      expect(res.headers['www-authenticate']).toBe(answers[0]!.headers['www-authenticate']);
    }
    expect(answers[0]!.body.error).toBe('invalid_token');
    // Without an Authorization header: the same 401, but no error code (RFC 6750 §3.1), for a known and an unknown client alike.
    for (const bare of [await request(f.app).get(path), await request(f.app).delete('/oauth/register/0123456789abcdef0123456789abcdef')]) {
      expect(bare.status).toBe(401);
      expect(bare.body).toEqual({ error_description: answers[0]!.body.error_description });
      expect(bare.headers['www-authenticate']).toBe('Bearer realm="forum.example"');
    }
    // A refused PUT or DELETE changes nothing.
    expect((await configuration(f, info, 'x'.repeat(43)).put({ ...publicMetadata({ client_name: 'Evil' }), client_id: info.client_id })).status).toBe(401);
    expect((await configuration(f, info, 'x'.repeat(43)).delete()).status).toBe(401);
    expect(await f.oauth.clients.get(info.client_id)).toMatchObject({ name: 'Agent' });
  });

  it('applies an update of a never-approved registration at once, with a new token; the old one is refused', async () => {
    const info = await registered(f, publicMetadata());
    const res = await configuration(f, info).put({
      client_id: info.client_id, client_name: 'Agent 2', redirect_uris: ['https://agent.example/v2'], token_endpoint_auth_method: 'none', scope: 'read write',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ client_name: 'Agent 2', redirect_uris: ['https://agent.example/v2'], scope: 'read write' });
    expect(res.body.registration_access_token).not.toBe(info.registration_access_token);
    expect(await f.oauth.clients.get(info.client_id)).toMatchObject({ name: 'Agent 2', scopes: ['read', 'write'], status: 'pending', pendingChange: null });

    expect((await configuration(f, info).get()).status).toBe(401);
    const fresh = configuration(f, info, res.body.registration_access_token);
    expect((await fresh.get()).body.client_name).toBe('Agent 2');
  });

  it('sends an update of an approved registration to review, like an apps-tab edit; the token still rotates', async () => {
    const info = await registered(f, confidentialMetadata());
    await f.oauth.clients.approve(info.client_id);
    const res = await configuration(f, info).put({ ...confidentialMetadata({ client_name: 'Renamed', scope: 'read' }), client_id: info.client_id });
    expect(res.status).toBe(200);
    // The values in force are still the approved ones.
    expect(res.body).toMatchObject({ client_name: 'Server app', scope: 'read write' });
    expect(res.body.registration_access_token).not.toBe(info.registration_access_token);
    const view = await f.oauth.clients.get(info.client_id);
    expect(view).toMatchObject({ name: 'Server app', status: 'approved', pendingChange: { name: 'Renamed', scopes: ['read'] } });
    expect(f.events.map((e) => e.event)).toContain('client.change_requested');

    await f.oauth.clients.approveChange(info.client_id);
    const after = await configuration(f, info, res.body.registration_access_token).get();
    expect(after.body).toMatchObject({ client_name: 'Renamed', scope: 'read' });
  });

  it('sends an update of a suspended registration to review too; it may still read and delete itself', async () => {
    const info = await registered(f, publicMetadata());
    await f.oauth.clients.approve(info.client_id);
    await f.oauth.clients.suspend(info.client_id);
    const res = await configuration(f, info).put({ ...publicMetadata({ client_name: 'Back again' }), client_id: info.client_id });
    expect(res.status).toBe(200);
    expect(await f.oauth.clients.get(info.client_id)).toMatchObject({ name: 'Agent', status: 'suspended', pendingChange: { name: 'Back again' } });
    expect((await configuration(f, info, res.body.registration_access_token).delete()).status).toBe(204);
  });

  it('switches between client_secret_basic and client_secret_post, and accepts the client\'s own secret in the body', async () => {
    const info = await registered(f, confidentialMetadata());
    const res = await configuration(f, info).put({
      ...confidentialMetadata({ token_endpoint_auth_method: 'client_secret_post' }), client_id: info.client_id, client_secret: info.client_secret,
    });
    expect(res.status).toBe(200);
    expect(res.body.token_endpoint_auth_method).toBe('client_secret_post');
  });

  it.each([
    ['without client_id', (_info: Record<string, any>) => confidentialMetadata()],
    ['with another client_id', (info: Record<string, any>) => ({ ...confidentialMetadata(), client_id: `${info.client_id.slice(1)}0` })],
    ['with a wrong client_secret', (info: Record<string, any>) => ({ ...confidentialMetadata(), client_id: info.client_id, client_secret: 'wrong' })],
    ['from confidential to public', (info: Record<string, any>) => ({ ...confidentialMetadata({ token_endpoint_auth_method: 'none' }), client_id: info.client_id })],
    ['with a bad redirect URI', (info: Record<string, any>) => ({ ...confidentialMetadata({ redirect_uris: ['http://evil.example/cb'] }), client_id: info.client_id })],
  ])('refuses an update %s with 400, changing nothing and keeping the token', async (_name, body) => {
    const info = await registered(f, confidentialMetadata());
    const before = await f.clients.get(info.client_id);
    const res = await configuration(f, info).put(body(info));
    expect(res.status).toBe(400);
    expect(['invalid_client_metadata', 'invalid_redirect_uri']).toContain(res.body.error);
    expect(await f.clients.get(info.client_id)).toEqual(before);
    expect((await configuration(f, info).get()).status).toBe(200);
  });

  it('refuses a change from public to confidential', async () => {
    const info = await registered(f, publicMetadata());
    const res = await configuration(f, info).put({ ...publicMetadata({ token_endpoint_auth_method: 'client_secret_basic' }), client_id: info.client_id });
    expect(res.status).toBe(400);
    expect(res.body.error_description).toMatch(/register a new client/);
  });

  it('deletes at once (204): the client is gone, its tokens are revoked and its token no longer works', async () => {
    const info = await registered(f, publicMetadata());
    await f.oauth.clients.approve(info.client_id);
    const tokens = await tokensFor(f, asTestClient(info));
    expect((await callApi(f, tokens.access_token)).status).toBe(200);

    const res = await configuration(f, info).delete();
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect(await f.clients.get(info.client_id)).toBeNull();
    expect(await f.tokens.listGrants({ clientId: info.client_id })).toEqual([]);
    expect((await callApi(f, tokens.access_token)).status).toBe(401);
    expect((await configuration(f, info).get()).status).toBe(401);
    expect(f.events.find((e) => e.event === 'client.deleted')?.payload).toEqual({ clientId: info.client_id, revokedGrants: 1 });
  });

  it('answers 405 with Allow for other methods', async () => {
    const info = await registered(f, publicMetadata());
    const get = await request(f.app).get('/oauth/register');
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe('POST');
    const post = await request(f.app).post(`/oauth/register/${info.client_id}`).send({});
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, PUT, DELETE');
  });
});

describe('the admin approves what they reviewed ({ seen })', () => {
  const swap = { client_name: 'Demo forum official', redirect_uris: ['https://evil.example/cb'], scope: 'read write admin' };

  it('refuses to approve a registration its registrant replaced after the admin saw it, and approves nothing', async () => {
    const info = await registered(f, confidentialMetadata());
    const seen = (await f.oauth.clients.get(info.client_id))!.updatedAt;
    clock.advance(1);
    expect((await configuration(f, info).put({ ...confidentialMetadata(swap), client_id: info.client_id })).status).toBe(200);
    await expect(f.oauth.clients.approve(info.client_id, { seen })).rejects.toMatchObject({ name: 'ValidationError', code: 'changed_since_review' });
    expect(await f.oauth.clients.get(info.client_id)).toMatchObject({ status: 'pending', name: 'Demo forum official' });
    // Shown again, the new version can be approved; so can it without `seen`, as before.
    const again = (await f.oauth.clients.get(info.client_id))!.updatedAt;
    expect((await f.oauth.clients.approve(info.client_id, { seen: again })).client.status).toBe('approved');
  });

  it('refuses to approve a change its registrant replaced after the admin saw it, and leaves the app as it was', async () => {
    const info = await registered(f, confidentialMetadata());
    await f.oauth.clients.approve(info.client_id);
    const first = await configuration(f, info).put({ ...confidentialMetadata({ client_name: 'Server app v2' }), client_id: info.client_id });
    const seen = (await f.oauth.clients.get(info.client_id))!.pendingChange!.requestedAt;
    clock.advance(1);
    await configuration(f, info, first.body.registration_access_token).put({ ...confidentialMetadata(swap), client_id: info.client_id });
    await expect(f.oauth.clients.approveChange(info.client_id, { seen })).rejects.toMatchObject({ code: 'changed_since_review' });
    expect(await f.oauth.clients.get(info.client_id)).toMatchObject({
      name: 'Server app', redirectUris: ['https://server.example/cb'], scopes: ['read', 'write'], pendingChange: { name: 'Demo forum official' },
    });
    const shown = (await f.oauth.clients.get(info.client_id))!.pendingChange!.requestedAt;
    expect((await f.oauth.clients.approveChange(info.client_id, { seen: shown })).client.name).toBe('Demo forum official');
  });

  it('approves an unchanged app or change given what the admin saw, and refuses a seen that is no date', async () => {
    const info = await registered(f, confidentialMetadata());
    const view = (await f.oauth.clients.get(info.client_id))!;
    await expect(f.oauth.clients.approve(info.client_id, { seen: new Date('nope') })).rejects.toMatchObject({ code: 'invalid_seen' });
    await f.oauth.clients.approve(info.client_id, { seen: new Date(view.updatedAt.getTime()) });
    await configuration(f, info).put({ ...confidentialMetadata({ client_name: 'Renamed' }), client_id: info.client_id });
    const { requestedAt } = (await f.oauth.clients.get(info.client_id))!.pendingChange!;
    expect((await f.oauth.clients.approveChange(info.client_id, { seen: new Date(requestedAt.getTime()) })).client.name).toBe('Renamed');
  });
});
