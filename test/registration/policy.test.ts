/**
 * The site's registration policy: off by default, open, or behind initial access tokens;
 * auto-approval of public clients within chosen scopes; the per-address cap, the ceiling on
 * pending registrations and their expiry (fake clock).
 */
import request from 'supertest';
import { createOAuthProvider, ConfigurationError, type OAuthProviderOptions } from '../../src';
import { memoryClientStore, memoryTokenStore } from '../../adapters/memory';
import { createFixture, ISSUER, asUser, authorizeQuery, basic, callApi, tokensFor, type Fixture } from '../support/provider-fixture';
import { createOpenIdFixture } from '../support/openid-fixture';
import { useFakeClock } from '../support/fake-clock';
import { asTestClient, confidentialMetadata, configuration, publicMetadata, register, registered, registrationFixture } from './support';

const clock = useFakeClock();
const INITIAL_TOKEN = 'an-initial-access-token-of-32-characters-or-more';

describe('policy off (the default)', () => {
  it('serves no registration endpoint and lists none in the metadata', async () => {
    for (const f of [await createFixture(), await createFixture({ registration: { policy: 'off' } })]) {
      const res = await register(f, publicMetadata());
      expect(res.status).toBe(404);
      expect((await f.clients.list({ status: 'pending' }))).toEqual([]);
      const metadata = await request(f.app).get('/.well-known/oauth-authorization-server');
      expect(metadata.body.registration_endpoint).toBeUndefined();
    }
  });
});

describe('policy open', () => {
  it('lists registration_endpoint in both metadata documents', async () => {
    const f = await createOpenIdFixture({ registration: { policy: 'open' } });
    for (const path of ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration']) {
      const res = await request(f.app).get(path);
      expect(res.body.registration_endpoint).toBe(`${ISSUER}/oauth/register`);
    }
  });
});

describe('policy initial-access-token', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await registrationFixture({ registration: { policy: 'initial-access-token', initialAccessTokens: ['x'.repeat(40), INITIAL_TOKEN] } });
  });

  it('refuses a request without an Authorization header with a bare 401 challenge, no error code (RFC 6750 §3.1), storing nothing', async () => {
    const res = await register(f, publicMetadata());
    expect(res.status).toBe(401);
    expect(res.body.error).toBeUndefined();
    expect(res.body.error_description).toMatch(/initial access token/);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="forum.example"');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(await f.clients.list({ status: 'pending' })).toEqual([]);
  });

  it.each([
    ['a wrong token', { Authorization: `Bearer ${'y'.repeat(48)}` }],
    ['a token with another scheme', { Authorization: `Basic ${INITIAL_TOKEN}` }],
  ])('refuses %s with 401 invalid_token, storing nothing', async (_name, headers) => {
    const res = await register(f, publicMetadata(), headers);
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_token');
    expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="forum.example", error="invalid_token"$/);
    expect(await f.clients.list({ status: 'pending' })).toEqual([]);
  });

  it('registers with any of the site\'s tokens (the app still waits for review)', async () => {
    const res = await register(f, publicMetadata(), { Authorization: `Bearer ${INITIAL_TOKEN}` });
    expect(res.status).toBe(201);
    expect((await f.oauth.clients.get(res.body.client_id))!.status).toBe('pending');
  });
});

describe('auto-approval', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await registrationFixture({ registration: { policy: 'open', autoApprove: { scopes: ['read', 'identity'] } } });
  });

  it('approves a public client asking only within the chosen scopes at once: the flow works with no admin', async () => {
    const info = await registered(f, publicMetadata({ scope: 'read' }));
    expect((await f.oauth.clients.get(info.client_id))!.status).toBe('approved');
    const tokens = await tokensFor(f, asTestClient(info));
    expect((await callApi(f, tokens.access_token)).status).toBe(200);
  });

  it('leaves a public client asking for more, and every confidential client, in the queue', async () => {
    const wider = await registered(f, publicMetadata({ scope: 'read write' }));
    const confidential = await registered(f, confidentialMetadata({ scope: 'read' }));
    expect((await f.oauth.clients.get(wider.client_id))!.status).toBe('pending');
    expect((await f.oauth.clients.get(confidential.client_id))!.status).toBe('pending');
  });

  it('sends a later update of an auto-approved client to review', async () => {
    const info = await registered(f, publicMetadata({ scope: 'read' }));
    const res = await configuration(f, info).put({ ...publicMetadata({ scope: 'read write' }), client_id: info.client_id });
    expect(res.body.scope).toBe('read');
    expect((await f.oauth.clients.get(info.client_id))!.pendingChange).toMatchObject({ scopes: ['read', 'write'] });
  });
});

describe('per-address cap', () => {
  it('answers 429 with Retry-After past perIpPerHour; refused bodies cost nothing; another address has its own budget', async () => {
    const f = await registrationFixture({ registration: { policy: 'open', perIpPerHour: 2 } });
    f.app.set('trust proxy', 1);
    const from = (ip: string, body: object = publicMetadata()) => register(f, body, { 'X-Forwarded-For': ip });
    expect((await from('203.0.113.7', publicMetadata({ redirect_uris: ['http://x.example'] }))).status).toBe(400);
    expect((await from('203.0.113.7')).status).toBe(201);
    expect((await from('203.0.113.7')).status).toBe(201);
    const refused = await from('203.0.113.7');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.body.error).toBe('temporarily_unavailable');
    expect((await from('198.51.100.9')).status).toBe(201);
    expect((await f.clients.list({ status: 'pending' })).length).toBe(3);
  });
});

describe('flows a registered app never registered (grant_types authorization_code and refresh_token, response_types code)', () => {
  const deviceAuthorization = (f: Fixture, body: string, auth?: string) => {
    const req = request(f.app).post('/oauth/device_authorization').type('form');
    return (auth === undefined ? req : req.set('Authorization', auth)).send(body);
  };

  it('refuses the device grant to an approved confidential registration, but not to an app the site made', async () => {
    const f = await registrationFixture();
    const info = await registered(f, confidentialMetadata());
    await f.oauth.clients.approve(info.client_id);
    const res = await deviceAuthorization(f, 'scope=read', basic(info.client_id, info.client_secret));
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('unauthorized_client');
    expect(res.body.device_code).toBeUndefined();
    // An app the site made keeps the device grant.
    const site = await deviceAuthorization(f, 'scope=read', basic(f.conf.id, f.conf.secret!));
    expect(site.status).toBe(200);
  });

  it('refuses the device grant to an auto-approved public registration', async () => {
    const f = await registrationFixture({ registration: { policy: 'open', autoApprove: { scopes: ['read'] } } });
    const info = await registered(f, publicMetadata());
    const res = await deviceAuthorization(f, `client_id=${info.client_id}&scope=read`);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('unauthorized_client');
  });

  it('refuses response_type=pin as it refuses a response type a client may not use (unauthorized_client to the redirect URI)', async () => {
    const f = await registrationFixture();
    const info = await registered(f, confidentialMetadata());
    await f.oauth.clients.approve(info.client_id);
    const res = await request(f.app).get(`/oauth/authorize?${authorizeQuery(asTestClient(info), { response_type: 'pin', scope: 'read' })}`)
      .set('Cookie', asUser());
    expect(res.status).toBe(302);
    const location = new URL(res.headers.location!);
    expect(`${location.origin}${location.pathname}`).toBe('https://server.example/cb');
    expect(location.searchParams.get('error')).toBe('unauthorized_client');
  });
});

describe('ceiling on pending registrations', () => {
  it('answers 429 with Retry-After when maxPending wait for review; an approval makes room', async () => {
    const f = await registrationFixture({ registration: { policy: 'open', maxPending: 2 } });
    // Apps requested on the apps tab are the site's users' own: they do not count against registrations.
    await f.oauth.clients.request({ name: 'Tab app', redirectUris: ['https://tab.example/cb'], ownerId: 'dev', scopes: ['read'] });
    const first = await registered(f, publicMetadata());
    await registered(f, publicMetadata());
    const full = await register(f, publicMetadata());
    expect(full.status).toBe(429);
    expect(full.body.error).toBe('temporarily_unavailable');
    expect(full.headers['retry-after']).toBe('3600');
    expect((await f.clients.list()).filter((c) => c.origin === 'registration').length).toBe(2);
    await f.oauth.clients.approve(first.client_id);
    const second = await registered(f, publicMetadata());
    expect((await register(f, publicMetadata())).status).toBe(429);
    // A denied registration waits for nothing either.
    await f.oauth.clients.deny(second.client_id);
    expect((await register(f, publicMetadata())).status).toBe(201);
  });

  it('counts auto-approved registrations of the last pendingLifetime too, so they cannot pile up unbounded', async () => {
    const f = await registrationFixture({
      registration: { policy: 'open', autoApprove: { scopes: ['read'] }, maxPending: 3, pendingLifetime: 3600, perIpPerHour: 1000 },
    });
    const approvedAtOnce = await registered(f, publicMetadata());
    expect((await f.oauth.clients.get(approvedAtOnce.client_id))!.status).toBe('approved');
    await registered(f, publicMetadata());
    await registered(f, confidentialMetadata()); // waits for review
    for (const body of [publicMetadata(), confidentialMetadata()]) {
      const full = await register(f, body);
      expect(full.status).toBe(429);
      expect(full.body.error).toBe('temporarily_unavailable');
      expect(full.headers['retry-after']).toBe('3600');
    }
    expect((await f.clients.list()).filter((c) => c.origin === 'registration').length).toBe(3);
    // A suspended one still counts: its record is still stored.
    await f.oauth.clients.suspend(approvedAtOnce.client_id);
    expect((await register(f, publicMetadata())).status).toBe(429);
    // Once pendingLifetime has passed, the approved ones no longer count (and the waiting one expired).
    clock.advance(3600);
    expect((await register(f, publicMetadata())).status).toBe(201);
  });
});

describe('expiry of pending registrations', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await registrationFixture({ registration: { policy: 'open', pendingLifetime: 3600, maxPending: 1 } });
  });

  it('refuses an expired registration everywhere, hides it from the queue and deletes it at the next registration', async () => {
    const info = await registered(f, publicMetadata());
    clock.advance(3599);
    expect((await configuration(f, info).get()).status).toBe(200);
    clock.advance(1);
    expect((await configuration(f, info).get()).status).toBe(401);
    expect((await configuration(f, info).delete()).status).toBe(401);
    const page = await request(f.app).get(`/oauth/authorize?${authorizeQuery(asTestClient(info))}`).set('Cookie', asUser());
    expect(page.status).toBe(400);
    expect(page.text).toContain('Unknown app');
    await expect(f.oauth.clients.approve(info.client_id)).rejects.toMatchObject({ code: 'registration_expired' });
    expect((await f.oauth.clients.list({ status: 'pending' })).map((c) => c.id)).not.toContain(info.client_id);

    // The ceiling (1) does not count it, and the next registration deletes it.
    expect((await register(f, publicMetadata())).status).toBe(201);
    expect(await f.clients.get(info.client_id)).toBeNull();
  });

  it('does not expire an approved registration', async () => {
    const info = await registered(f, publicMetadata());
    await f.oauth.clients.approve(info.client_id);
    clock.advance(7200);
    expect((await configuration(f, info).get()).status).toBe(200);
    await registered(f, publicMetadata());
    expect(await f.clients.get(info.client_id)).not.toBeNull();
  });

  it('expires a denied registration too', async () => {
    const info = await registered(f, publicMetadata());
    await f.oauth.clients.deny(info.client_id);
    clock.advance(3600);
    await registered(f, publicMetadata());
    expect(await f.clients.get(info.client_id)).toBeNull();
  });
});

describe('options', () => {
  const base = (registration: unknown): OAuthProviderOptions => ({
    issuer: ISSUER, scopes: { read: 'Read' }, store: { clients: memoryClientStore(), tokens: memoryTokenStore() },
    currentUser: () => null, loginUrl: () => '/login', registration: registration as NonNullable<OAuthProviderOptions['registration']>,
  });

  it('refuses, at start-up, a client store without delete when registration is on, naming it', () => {
    const { delete: _delete, ...withoutDelete } = memoryClientStore();
    const options = { ...base({ policy: 'open' }), store: { clients: withoutDelete, tokens: memoryTokenStore() } };
    expect(() => createOAuthProvider(options)).toThrow(ConfigurationError);
    expect(() => createOAuthProvider(options)).toThrow(/`registration` needs a client store with `delete`/);
  });

  it('starts with a client store without delete when registration is off: a site\'s own store written before it still works', () => {
    const { delete: _delete, ...withoutDelete } = memoryClientStore();
    for (const registration of [undefined, { policy: 'off' }]) {
      const { registration: _r, ...options } = base(registration);
      const provider = createOAuthProvider({ ...options, ...(registration ? { registration: registration as { policy: 'off' } } : {}),
        store: { clients: withoutDelete, tokens: memoryTokenStore() } });
      expect(provider.router).toBeDefined();
    }
  });

  it.each([
    ['an unknown policy', { policy: 'anyone' }, /registration\.policy/],
    ['initial-access-token without tokens', { policy: 'initial-access-token' }, /registration\.initialAccessTokens/],
    ['a short initial access token', { policy: 'initial-access-token', initialAccessTokens: ['short'] }, /at least 32 characters/],
    ['an unknown auto-approved scope', { policy: 'open', autoApprove: { scopes: ['write'] } }, /registration\.autoApprove\.scopes/],
    ['perIpPerHour of 0', { policy: 'open', perIpPerHour: 0 }, /registration\.perIpPerHour/],
    ['a fractional maxPending', { policy: 'open', maxPending: 1.5 }, /registration\.maxPending/],
    ['a pendingLifetime under a minute', { policy: 'open', pendingLifetime: 10 }, /registration\.pendingLifetime/],
    ['an unknown key', { policy: 'open', approveAll: true }, /registration/],
  ])('refuses %s at start-up', (_name, registration, message) => {
    expect(() => createOAuthProvider(base(registration))).toThrow(ConfigurationError);
    expect(() => createOAuthProvider(base(registration))).toThrow(message);
  });
});
