import request from 'supertest';
import { createForumApp, type ForumApp } from '../../example-app/app';
import { describeIf } from '../support/services';
import { BACKENDS, type Backend } from './backends';
import { formTo, logInAs, submitForm, type Agent } from './forms';

// The example forum driven like people and a third-party app would: pages, forms, redirects.
// The journey runs on every storage the forum supports that this machine has (SQLite always).
const PUBLIC_URL = 'http://forum.test';
const REDIRECT_URI = 'https://reader.example/cb';

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** The forum on one backend, built in-process, with the helpers that drive it. */
function forumOn(backend: Backend) {
  const ctx = {} as { forum: ForumApp; drop: () => Promise<void> };

  beforeAll(async () => {
    const { config, drop } = await backend.open();
    ctx.drop = drop;
    ctx.forum = await createForumApp({ publicUrl: PUBLIC_URL, sessionSecret: 'journey', ...config });
  });

  afterAll(async () => {
    await ctx.forum?.close();
    await ctx.drop?.();
  });

  const submit = (agent: Agent, html: string, action: string, extra: Record<string, string | string[]> = {}) =>
    submitForm(agent, PUBLIC_URL, html, action, extra);
  const logIn = (username: string, next = '/') => logInAs(ctx.forum.app, PUBLIC_URL, username, next);

  /** Bob's consent, from the anonymous authorize request through the login page to the code. */
  async function bobAuthorizes(clientId: string, state: string): Promise<{ bob: Agent; code: string }> {
    const query = new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: REDIRECT_URI, scope: 'identity read create vote', state });
    const anonymous = await request(ctx.forum.app).get(`/oauth/authorize?${query}`).expect(302);
    const toLogin = new URL(anonymous.headers.location!, PUBLIC_URL);
    expect(toLogin.pathname).toBe('/login');
    const next = toLogin.searchParams.get('next')!;
    expect(next.startsWith('/oauth/authorize?')).toBe(true);

    const bob = await logIn('bob', next);
    const consent = await bob.get(next).expect(200);
    expect(consent.text).toContain('Alice Reader');
    const form = formTo(consent.text, (f) => f.method === 'post' && f.body.includes('name="decision"'));
    const approved = await bob.post(form.action ?? next).type('form').set('Origin', PUBLIC_URL).send({ ...form.fields, decision: 'approve' });
    expect([302, 303]).toContain(approved.status);
    const back = new URL(approved.headers.location!);
    expect(`${back.origin}${back.pathname}`).toBe(REDIRECT_URI);
    expect(back.searchParams.get('state')).toBe(state);
    return { bob, code: back.searchParams.get('code')! };
  }

  return { ctx, submit, logIn, bobAuthorizes, api: () => request(ctx.forum.app) };
}

for (const backend of BACKENDS) {
  describeIf(backend.available)(`the forum journey on ${backend.name}: an app is requested, approved, authorized, used and revoked`, () => {
    const { ctx, submit, logIn, bobAuthorizes, api: app } = forumOn(backend);

    let alice: Agent;
    let admin: Agent;
    let clientId: string;
    let clientSecret: string;
    let accessToken: string;
    let bob: Agent;

    it('alice logs in and requests an app in the apps tab', async () => {
      alice = await logIn('alice');
      const tab = await alice.get('/settings/apps').expect(200);
      const res = await submit(alice, tab.text, '/settings/apps', {
        name: 'Alice Reader', redirect_uris: `${REDIRECT_URI}, http://localhost:8080/cb`, description: 'Reads my <front> page',
        scopes: ['identity', 'read', 'create', 'vote'],
      });
      expect(res.status).toBe(303);
      const after = await alice.get('/settings/apps').expect(200);
      clientId = /<code class="client-id">([^<]+)<\/code>/.exec(after.text)![1]!;
      expect(after.text).toContain('was requested');
      expect(after.text).toContain('<span class="status pending">pending</span>');
      expect(after.text).toContain('Reads my &lt;front&gt; page');
      expect(after.text).not.toContain('>Show client secret</button>');
    });

    it('refuses a plain-http redirect URI with a message that says why', async () => {
      const tab = await alice.get('/settings/apps');
      const res = await submit(alice, tab.text, '/settings/apps', { name: 'Bad', redirect_uris: 'http://evil.example/cb' });
      expect(res.status).toBe(400);
      expect(res.text).toContain('must use https');
    });

    it('keeps the admin queue from non-admins', async () => {
      await alice.get('/admin/apps').expect(403);
    });

    it('admin approves it in the admin queue, without seeing its secret', async () => {
      admin = await logIn('admin');
      const queue = await admin.get('/admin/apps').expect(200);
      expect(queue.text).toContain('Alice Reader');
      const res = await submit(admin, queue.text, `/admin/apps/${clientId}/approve`);
      expect(res.status).toBe(303);
      const after = await admin.get('/admin/apps').expect(200);
      expect(after.text).toContain('was approved');
      expect(after.text).not.toContain('client-secret');
      expect((await ctx.forum.oauth.clients.get(clientId))?.status).toBe('approved');
    });

    it('shows alice the secret once, and not again on reload', async () => {
      const tab = await alice.get('/settings/apps').expect(200);
      expect(tab.text).toContain('>Show client secret</button>');
      expect(tab.text).not.toContain('id="client-secret"');

      const shown = await submit(alice, tab.text, `/settings/apps/${clientId}/secret`);
      expect(shown.status).toBe(200);
      expect(shown.headers['cache-control']).toBe('no-store');
      clientSecret = /<code id="client-secret">([^<]+)<\/code>/.exec(shown.text)![1]!;
      expect(clientSecret.length).toBeGreaterThanOrEqual(43);

      const reload = await alice.get('/settings/apps').expect(200);
      expect(reload.text).not.toContain(clientSecret);
      expect(reload.text).not.toContain('id="client-secret"');
      expect(reload.text).toContain('>Rotate secret</button>');
    });

    it('does not let another user reveal or rotate alice\'s secret', async () => {
      const other = await logIn('bob');
      const page = await other.get('/settings/apps');
      const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
      await other.post(`/settings/apps/${clientId}/secret`).type('form').send({ _csrf: csrf }).expect(404);
    });

    it('lets bob authorize it on the consent page, and the app exchanges the code with HTTP Basic', async () => {
      let code: string;
      ({ bob, code } = await bobAuthorizes(clientId, 'st-1'));
      const res = await app().post('/oauth/token').auth(clientId, clientSecret).type('form')
        .send({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI })
        .expect(200);
      expect(res.body.token_type).toMatch(/^bearer$/i);
      expect(res.body.scope.split(' ').sort()).toEqual(['create', 'identity', 'read', 'vote']);
      accessToken = res.body.access_token;
    });

    it('serves each API route to the token', async () => {
      const api = app();
      const me = await api.get('/api/v1/identity').set(bearer(accessToken)).expect(200);
      expect(me.body).toEqual({ id: expect.any(String), username: 'bob' });

      const listing = await api.get('/api/v1/front/listing').set(bearer(accessToken)).expect(200);
      expect(listing.body.data.length).toBeGreaterThan(0);

      const created = await api.post('/api/v1/submit').set(bearer(accessToken)).send({ title: 'Hello from the app', body: 'posted with OAuth' }).expect(201);
      expect(created.body).toMatchObject({ title: 'Hello from the app', body: 'posted with OAuth', author: { username: 'bob' }, score: 0 });

      const invalid = await api.post('/api/v1/submit').set(bearer(accessToken)).send({ title: '  ' }).expect(400);
      expect(invalid.body).toEqual({ error: 'invalid_request', error_description: expect.stringContaining('title') });

      const voted = await api.post(`/api/v1/vote/${created.body.id}`).set(bearer(accessToken)).send({ dir: 1 }).expect(200);
      expect(voted.body).toMatchObject({ id: created.body.id, score: 1, your_vote: 1 });
      await api.post(`/api/v1/vote/${created.body.id}`).set(bearer(accessToken)).send({ dir: 0 }).expect(200, /"score":0/);
      await api.post(`/api/v1/vote/${created.body.id}`).set(bearer(accessToken)).send({ dir: 2 }).expect(400);
      await api.post('/api/v1/vote/no-such-post').set(bearer(accessToken)).send({ dir: 1 }).expect(404);

      const again = await api.get('/api/v1/front/listing').set(bearer(accessToken)).expect(200);
      expect(again.body.data.map((p: { id: string }) => p.id)).toContain(created.body.id);

      // Source 001's clients send the token without a scheme; the example turns that on.
      await api.get('/api/v1/identity').set('Authorization', accessToken).expect(200);
      const unknown = await api.get('/api/v1/nothing-here').set(bearer(accessToken)).expect(404);
      expect(unknown.body.error).toBe('not_found');
    });

    it('lists the app under bob\'s authorized apps, and revoking it stops the token (401)', async () => {
      const page = await bob.get('/settings/authorized').expect(200);
      expect(page.text).toContain('Alice Reader');
      expect(page.text).toContain('Vote as you');
      const grantId = /action="\/settings\/authorized\/([^/"]+)\/revoke"/.exec(page.text)![1]!;
      const res = await submit(bob, page.text, `/settings/authorized/${grantId}/revoke`);
      expect(res.status).toBe(303);
      expect((await bob.get('/settings/authorized')).text).not.toContain('Alice Reader');
      await app().get('/api/v1/identity').set(bearer(accessToken)).expect(401);
    });

    it('stops every token of a client that an admin suspends', async () => {
      const { code } = await bobAuthorizes(clientId, 'st-2');
      const token = (await app().post('/oauth/token').auth(clientId, clientSecret).type('form')
        .send({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI }).expect(200)).body.access_token as string;
      await app().get('/api/v1/identity').set(bearer(token)).expect(200);

      const queue = await admin.get('/admin/apps').expect(200);
      await submit(admin, queue.text, `/admin/apps/${clientId}/suspend`).expect(303);
      await app().get('/api/v1/identity').set(bearer(token)).expect(401);

      // And it cannot start a new authorization: an error page, never a redirect to the app.
      const query = new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: REDIRECT_URI, scope: 'read', state: 's' });
      const refused = await bob.get(`/oauth/authorize?${query}`);
      expect(refused.status).toBeGreaterThanOrEqual(400);
      expect(refused.headers.location).toBeUndefined();
    });
  });
}

describe('the forum pages', () => {
  const { ctx, submit, logIn, api: app } = forumOn(BACKENDS[0]!);

  it('refuses a token request whose name hides characters (U+202E reverses what the admin reads): 400, nothing queued', async () => {
    const bob = await logIn('bob');
    const page = await bob.get('/settings/tokens').expect(200);
    const refused = await submit(bob, page.text, '/settings/tokens', { name: 'backup\u202Egpj.exe', scopes: 'identity', expires: '30d' });
    expect(refused.status).toBe(400);
    expect(await ctx.forum.db.tokenRequests.list({ status: ['pending'] })).toEqual([]);
  });

  it('issues a personal access token once, which works until it is revoked', async () => {
    // Requested by the user, granted by an admin, then collected once (guide 001; test/dialects/001 has the details).
    const bob = await logIn('bob');
    const page = await bob.get('/settings/tokens').expect(200);
    await submit(bob, page.text, '/settings/tokens', { name: 'my script', scopes: 'identity', expires: '30d' }).expect(303);
    const admin = await logIn('admin');
    const queue = await admin.get('/admin/apps').expect(200);
    const requestId = /action="\/admin\/token-requests\/([^/"]+)\/approve"/.exec(queue.text)![1]!;
    await submit(admin, queue.text, `/admin/token-requests/${requestId}/approve`).expect(303);
    const approved = await bob.get('/settings/tokens').expect(200);
    const created = await submit(bob, approved.text, `/settings/tokens/requests/${requestId}/collect`);
    expect(created.status).toBe(200);
    expect(created.headers['cache-control']).toBe('no-store');
    const token = /<code id="new-token">([^<]+)<\/code>/.exec(created.text)![1]!;
    await app().get('/api/v1/identity').set(bearer(token)).expect(200, /"username":"bob"/);
    await app().get('/api/v1/front/listing').set(bearer(token)).expect(403);

    const list = await bob.get('/settings/tokens').expect(200);
    expect(list.text).toContain('my script');
    expect(list.text).not.toContain(token);
    const id = /action="\/settings\/tokens\/([^/"]+)\/revoke"/.exec(list.text)![1]!;
    await submit(bob, list.text, `/settings/tokens/${id}/revoke`).expect(303);
    await app().get('/api/v1/identity').set(bearer(token)).expect(401);
  });

  it('refuses a forum form posted without the session\'s CSRF token', async () => {
    const alice = await logIn('alice');
    await alice.post('/settings/apps').type('form').send({ name: 'x', redirect_uris: REDIRECT_URI }).expect(403);
    await alice.post('/settings/apps').type('form').send({ name: 'x', redirect_uris: REDIRECT_URI, _csrf: 'guess' }).expect(403);
  });

  it('answers a wrong password with 401 and the same message as an unknown user', async () => {
    const agent = request.agent(ctx.forum.app);
    const page = await agent.get('/login');
    const wrong = await submit(agent, page.text, '/login', { username: 'alice', password: 'nope', next: '/' });
    const unknown = await submit(agent, wrong.text, '/login', { username: 'nobody', password: 'nope', next: '/' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const message = (html: string) => /role="alert">([^<]*)</.exec(html)?.[1];
    expect(message(wrong.text)).toBe('Wrong username or password.');
    expect(message(unknown.text)).toBe(message(wrong.text));
  });

  it.each(['https://evil.example/', '//evil.example/', '/\\evil.example/', '/\t/evil.example', 'javascript:alert(1)'])(
    'redirects to / after login when next is %j (A7: no open redirect)',
    async (next) => {
      const agent = request.agent(ctx.forum.app);
      const page = await agent.get('/login');
      const res = await submit(agent, page.text, '/login', { username: 'alice', password: 'alice-password', next });
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/');
    },
  );

  it('sends anti-framing, no-referrer and no-store headers with the login page (B6)', async () => {
    const res = await app().get('/login').expect(200);
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['content-security-policy']).not.toMatch(/https?:/);
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('escapes what users type when it is shown back', async () => {
    const alice = await logIn('alice');
    const tab = await alice.get('/settings/apps');
    await submit(alice, tab.text, '/settings/apps', { name: '<img src=x onerror=alert(1)>', redirect_uris: REDIRECT_URI }).expect(303);
    const page = await alice.get('/settings/apps');
    expect(page.text).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(page.text).not.toContain('<img src=x');
  });

  it('logs out with a POST, after which the settings ask for a login again', async () => {
    const alice = await logIn('alice');
    const page = await alice.get('/').expect(200);
    await submit(alice, page.text, '/logout').expect(303);
    const after = await alice.get('/settings/apps').expect(303);
    expect(after.headers.location).toBe('/login?next=%2Fsettings%2Fapps');
  });
});

describe('app review in the forum: default scopes, invisible characters, reviewed changes, the admin switches', () => {
  const { ctx, submit, logIn, api: app } = forumOn(BACKENDS[0]!);
  const CB2 = 'https://reader.example/cb2';
  let alice: Agent;
  let admin: Agent;
  let clientId: string;

  const stored = () => ctx.forum.oauth.clients.get(clientId);
  const named = async (name: string) => (await ctx.forum.oauth.clients.list()).find((a) => a.name === name);

  it('offers every forum scope in the request form and gives an app with none ticked the default scopes', async () => {
    alice = await logIn('alice');
    const tab = await alice.get('/settings/apps').expect(200);
    for (const scope of ['identity', 'read', 'create', 'update', 'delete', 'vote', 'guildmaster']) {
      expect(tab.text).toContain(`<input type="checkbox" name="scopes" value="${scope}">`);
    }
    await submit(alice, tab.text, '/settings/apps', { name: 'Review Me', redirect_uris: REDIRECT_URI }).expect(303);
    clientId = (await named('Review Me'))!.id;
    expect((await stored())?.scopes).toEqual(['identity', 'read']);
    await submit(alice, tab.text, '/settings/apps', { name: 'Ticked', redirect_uris: REDIRECT_URI, scopes: ['read', 'vote'] }).expect(303);
    expect((await named('Ticked'))?.scopes).toEqual(['read', 'vote']);
  });

  it.each([['U+202E', '\u202E'], ['U+2066', '\u2066'], ['U+200B', '\u200B'], ['U+061C', '\u061C'], ['U+2028', '\u2028'], ['U+0007', '\u0007']])(
    'refuses an app name with %s in the request form with 400, and stores nothing', async (codePoint, char) => {
      const before = (await ctx.forum.oauth.clients.list()).length;
      const tab = await alice.get('/settings/apps');
      const res = await submit(alice, tab.text, '/settings/apps', { name: `Photo${char}gpj.exe`, redirect_uris: REDIRECT_URI });
      expect(res.status).toBe(400);
      expect(res.text).toContain(`found ${codePoint}`);
      expect((await ctx.forum.oauth.clients.list()).length).toBe(before);
    });

  it('takes a desktop app\'s loopback and private-use redirect URIs only with the public box ticked (RFC 8252)', async () => {
    const tab = await alice.get('/settings/apps').expect(200);
    const uris = 'http://127.0.0.1/cb, com.example.reader:/cb';
    const refused = await submit(alice, tab.text, '/settings/apps', { name: 'Desktop Reader', redirect_uris: uris });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('only a public client');
    expect(await named('Desktop Reader')).toBeUndefined();
    await submit(alice, tab.text, '/settings/apps', { name: 'Desktop Reader', redirect_uris: uris, public: '1' }).expect(303);
    expect(await named('Desktop Reader')).toMatchObject({ isPublic: true, redirectUris: ['http://127.0.0.1/cb', 'com.example.reader:/cb'] });
  });

  it('keeps the approved values of an edited app until review: the apps tab says so, the consent page and /authorize use the old ones', async () => {
    admin = await logIn('admin');
    await submit(admin, (await admin.get('/admin/apps')).text, `/admin/apps/${clientId}/approve`).expect(303);
    const tab = await alice.get('/settings/apps');
    const res = await submit(alice, tab.text, `/settings/apps/${clientId}`, {
      name: 'Review Me Now', redirect_uris: `${REDIRECT_URI}, ${CB2}`, scopes: ['identity', 'read', 'create'], description: 'Changed at once',
    });
    expect(res.status).toBe(303);
    const after = await alice.get('/settings/apps');
    expect(after.text).toContain('await an administrator’s review');
    expect(after.text).toContain(`id="review-${clientId}"`);
    expect(after.text).toContain('Awaiting review');
    expect(after.text).toContain('Review Me → <strong>Review Me Now</strong>');
    expect(await stored()).toMatchObject({ name: 'Review Me', redirectUris: [REDIRECT_URI], scopes: ['identity', 'read'], description: 'Changed at once' });

    const bob = await logIn('bob');
    const query = (extra: Record<string, string>) => new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: REDIRECT_URI, scope: 'identity read', state: 's', ...extra });
    const consent = await bob.get(`/oauth/authorize?${query({})}`).expect(200);
    expect(consent.text).toContain('Review Me');
    expect(consent.text).not.toContain('Review Me Now');
    const create = await bob.get(`/oauth/authorize?${query({ scope: 'create' })}`).expect(302);
    expect(new URL(create.headers.location!).searchParams.get('error')).toBe('invalid_scope');
    const cb2 = await bob.get(`/oauth/authorize?${query({ redirect_uri: CB2 })}`);
    expect(cb2.status).toBe(400);
    expect(cb2.headers.location).toBeUndefined();
  });

  it('refuses a bad edit of the approved app with 400 and changes nothing, the waiting change included', async () => {
    const before = await stored();
    const tab = await alice.get('/settings/apps');
    const res = await submit(alice, tab.text, `/settings/apps/${clientId}`, { name: 'Evil\u202Eexe.jpg', redirect_uris: REDIRECT_URI });
    expect(res.status).toBe(400);
    expect(res.text).toContain('Not saved: name: must not contain invisible, control or text-direction characters (found U+202E).');
    expect(await stored()).toEqual(before);
  });

  it('shows the admin the change as old → new beside the pending apps; approving applies it', async () => {
    const queue = await admin.get('/admin/apps').expect(200);
    expect(queue.text).toContain('Changes waiting for review (1)');
    expect(queue.text).toContain(`id="change-${clientId}"`);
    expect(queue.text).toContain(`${REDIRECT_URI} → <strong>${REDIRECT_URI}, ${CB2}</strong>`);
    expect(queue.text).toContain('identity, read → <strong>identity, read, create</strong>');
    await submit(admin, queue.text, `/admin/apps/${clientId}/approve-change`).expect(303);
    expect(await stored()).toMatchObject({ name: 'Review Me Now', redirectUris: [REDIRECT_URI, CB2], scopes: ['identity', 'read', 'create'], pendingChange: null });
    expect((await admin.get('/admin/apps')).text).toContain('Changes waiting for review (0)');
  });

  it('keeps the approved values when the admin denies a change', async () => {
    const tab = await alice.get('/settings/apps');
    await submit(alice, tab.text, `/settings/apps/${clientId}`, {
      name: 'Something Else', redirect_uris: `${REDIRECT_URI}, ${CB2}`, scopes: ['identity', 'read', 'create'],
    }).expect(303);
    expect((await stored())?.pendingChange).toEqual({ name: 'Something Else', requestedAt: expect.any(Date) });
    await submit(admin, (await admin.get('/admin/apps')).text, `/admin/apps/${clientId}/deny-change`).expect(303);
    expect(await stored()).toMatchObject({ name: 'Review Me Now', pendingChange: null });
  });

  it('makes the app a resource server with the admin toggle: it then introspects tokens that are not its own', async () => {
    const revealed = await submit(alice, (await alice.get('/settings/apps')).text, `/settings/apps/${clientId}/secret`).expect(200);
    const secret = /<code id="client-secret">([^<]+)<\/code>/.exec(revealed.text)![1]!;
    const bobId = (await ctx.forum.db.users.findByUsername('bob'))!.id;
    const personal = await ctx.forum.oauth.tokens.issuePersonal(bobId, { name: 'script', scopes: ['read'] });
    const introspect = () => app().post('/oauth/introspect').auth(clientId, secret).type('form').send({ token: personal.token }).expect(200);
    expect((await introspect()).body).toEqual({ active: false });

    const queue = await admin.get('/admin/apps');
    await submit(admin, queue.text, `/admin/apps/${clientId}/permissions`, { resource_server: '1' }).expect(303);
    expect(await stored()).toMatchObject({ resourceServer: true, allowImplicit: false });
    expect((await introspect()).body).toMatchObject({ active: true, scope: 'read', sub: bobId });

    await submit(admin, (await admin.get('/admin/apps')).text, `/admin/apps/${clientId}/permissions`, {}).expect(303);
    expect((await introspect()).body).toEqual({ active: false });
  });

  it('lets the app get tokens of its own with the admin toggle: the listing serves them, identity refuses them, and they die with the toggle', async () => {
    const { clientSecret } = await ctx.forum.oauth.clients.rotateSecret(clientId);
    const ownToken = () => app().post('/oauth/token').auth(clientId, clientSecret).type('form').send({ grant_type: 'client_credentials', scope: 'read identity' });
    expect((await ownToken()).body.error).toBe('unauthorized_client');

    const queue = await admin.get('/admin/apps');
    expect(queue.text).toContain('name="client_credentials"');
    await submit(admin, queue.text, `/admin/apps/${clientId}/permissions`, { client_credentials: '1' }).expect(303);
    expect(await stored()).toMatchObject({ resourceServer: false, allowImplicit: false, allowClientCredentials: true });
    const issued = await ownToken().expect(200);
    expect(issued.body.refresh_token).toBeUndefined();
    const bearer = `Bearer ${issued.body.access_token as string}`;
    await app().get('/api/v1/front/listing').set('Authorization', bearer).expect(200);
    const identity = await app().get('/api/v1/identity').set('Authorization', bearer).expect(403);
    expect(identity.body).toEqual({ error: 'insufficient_scope', error_description: expect.stringContaining('This route acts for a user') });
    await app().post('/api/v1/submit').set('Authorization', bearer).send({ title: 'x', body: 'y' }).expect(403);

    await submit(admin, (await admin.get('/admin/apps')).text, `/admin/apps/${clientId}/permissions`, {}).expect(303);
    expect(await stored()).toMatchObject({ allowClientCredentials: false });
    await app().get('/api/v1/front/listing').set('Authorization', bearer).expect(401);
  });
});
