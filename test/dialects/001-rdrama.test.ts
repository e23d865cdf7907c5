import request from 'supertest';
import { asUser, authorizeQuery, createFixture, tokensFor } from '../support/provider-fixture';
import { dialectForum, PUBLIC_URL, redirectParams, type Agent } from './forum';

// Guide 001 (an rDrama-style forum; docs/client-dialects.md): personal access tokens requested by a user and granted by
// an admin; `Authorization: <token>` without a scheme; `GET /authorize/?client_id=X` and the
// access token "included in the redirect" as a URL parameter.
const REDIRECT_URI = 'https://bot.example/callback';
const bare = (token: string) => ({ Authorization: token });
// What python-requests sends besides the guide's one header.
const pythonRequests = (token: string) => ({ ...bare(token), 'User-Agent': 'python-requests/2.32.3', Accept: '*/*', 'Accept-Encoding': 'gzip, deflate' });

describe('guide 001 (rDrama) against the example forum', () => {
  const { ctx, client, submit, logIn, registerApp, authorize } = dialectForum();
  let clientId: string;
  let implicitToken: string;

  it('registers an app in the apps tab (one redirect URI, since the authorize URL names none); an admin approves it and allows it the implicit redirect', async () => {
    ({ clientId } = await registerApp({ name: 'Drama Bot', redirectUris: REDIRECT_URI, implicit: true }));
    expect(await ctx.forum.oauth.clients.get(clientId)).toMatchObject({ allowImplicit: true, scopes: ['identity', 'read'] });
  });

  it('refuses the same URL for an app the admin did not allow the implicit redirect', async () => {
    const { clientId: plain } = await registerApp({ name: 'Plain Bot', redirectUris: REDIRECT_URI }, 'bob');
    const bob = await logIn('bob');
    const forwarded = await bob.get(`/authorize/?client_id=${plain}`).expect(302);
    const refused = await bob.get(forwarded.headers.location!).expect(302);
    expect(redirectParams(refused.headers.location, REDIRECT_URI).get('error')).toBe('unauthorized_client');
    expect(redirectParams(refused.headers.location, REDIRECT_URI).get('access_token')).toBeNull();
  });

  it('GET /authorize/?client_id=X leads through login and consent to a redirect with the access token in the query', async () => {
    const first = await client().get(`/authorize/?client_id=${clientId}`).expect(302);
    expect(first.headers.location).toBe(`/oauth/authorize?client_id=${clientId}&response_type=token`);

    const { consent, decided } = await authorize(`/authorize/?client_id=${clientId}`);
    // No scope in the request: the forum's default scopes are shown and granted.
    expect(consent.text).toContain('See your username');
    expect(decided.status).toBe(303);
    expect(decided.headers['cache-control']).toBe('no-store');
    const url = new URL(decided.headers.location!);
    expect(url.hash).toBe('');
    const params = redirectParams(decided.headers.location, REDIRECT_URI);
    expect(params.get('token_type')).toBe('Bearer');
    expect(params.get('scope')).toBe('identity read');
    expect(params.get('refresh_token')).toBeNull();
    const token = params.get('access_token')!;
    implicitToken = token;

    // "include the following header ...: Authorization: access_token_goes_here"
    const me = await client().get('/api/v1/identity').set(bare(token)).expect(200);
    expect(me.body.username).toBe('bob');
    await client().get('/api/v1/front/listing').set(bare(token)).expect(200);
  });

  it('the guide\'s first API example: GET /?sort=comments with Authorization: <token> is the front page as JSON', async () => {
    // requests.get(url, headers={"Authorization": "access_token_goes_here"}); print(r.json())
    const r = await client().get('/?sort=comments').set(pythonRequests(implicitToken));
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^application\/json/);
    expect(r.headers.vary).toMatch(/Authorization/);
    // "the posts on the frontpage sorted by the number of comments": the forum has no comments,
    // so every post has 0 and the order is the front page's, the same as the listing API's.
    const listing = await client().get('/api/v1/front/listing').set(bare(implicitToken)).expect(200);
    expect(r.body.data.length).toBeGreaterThan(0);
    expect(r.body).toEqual(listing.body);
    expect(r.body.data[0]).toEqual({ id: expect.any(String), title: expect.any(String), body: expect.any(String),
      author: { id: expect.any(String), username: expect.any(String) }, score: expect.any(Number), created_utc: expect.any(Number) });

    const top = await client().get('/?sort=top').set(bare(implicitToken)).expect(200);
    const scores = top.body.data.map((p: { score: number }) => p.score);
    expect(scores).toEqual([...scores].sort((a: number, b: number) => b - a));
    const bad = await client().get('/?sort=sideways').set(bare(implicitToken));
    expect([bad.status, bad.body.error]).toEqual([400, 'invalid_request']);
  });

  it('the guide\'s second API example: GET /unread with Authorization: <token> is the unread notifications as JSON', async () => {
    const r = await client().get('/unread').set(pythonRequests(implicitToken));
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^application\/json/);
    // The forum has no notifications: the list is empty, for the token's user.
    expect(r.body).toEqual({ data: [] });
  });

  it('without a token, / is still the HTML front page and /unread asks for one; a bad token is 401 JSON, never the page', async () => {
    const page = await client().get('/?sort=comments').expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers.vary).toMatch(/Authorization/);
    const unread = await client().get('/unread');
    expect(unread.status).toBe(401);
    expect(unread.headers['www-authenticate']).toMatch(/^Bearer /);
    const forged = await client().get('/?sort=comments').set(bare('not-a-token'));
    expect(forged.status).toBe(401);
    expect(forged.body.error).toBe('invalid_token');
    // A logged-in browser's cookie is no token: /unread still needs one.
    const bob = await logIn('bob');
    expect((await bob.get('/unread')).status).toBe(401);
    expect((await bob.get('/')).headers['content-type']).toMatch(/^text\/html/);
  });

  it('serves the same at /authorize without the trailing slash, and keeps a response_type the client names', async () => {
    const plain = await client().get(`/authorize?client_id=${clientId}`).expect(302);
    expect(plain.headers.location).toBe(`/oauth/authorize?client_id=${clientId}&response_type=token`);
    const code = await client().get(`/authorize/?client_id=${clientId}&response_type=code&state=x`).expect(302);
    expect(code.headers.location).toBe(`/oauth/authorize?client_id=${clientId}&response_type=code&state=x`);
  });

  it('shows an error page, never a redirect, for an unknown client', async () => {
    const bob = await logIn('bob');
    const res = await bob.get('/oauth/authorize?client_id=nope&response_type=token');
    expect(res.status).toBe(400);
    expect(res.headers.location).toBeUndefined();
  });

  describe('personal access tokens, "requested by a user and granted by an admin"', () => {
    let bob: Agent;
    let admin: Agent;
    let requestId: string;
    let token: string;

    it('bob requests a token with a name and scopes on /settings/tokens; nothing is issued yet', async () => {
      bob = await logIn('bob');
      const page = await bob.get('/settings/tokens').expect(200);
      const res = await submit(bob, page.text, '/settings/tokens', { name: 'unread notifier', scopes: 'read', expires: '90d' });
      expect(res.status).toBe(303);
      const after = await bob.get('/settings/tokens').expect(200);
      expect(after.text).toContain('was requested');
      expect(after.text).toContain('<span class="status pending">pending</span>');
      expect(after.text).not.toContain('id="new-token"');
      expect(after.text).not.toContain('>Show token</button>');
      expect(await ctx.forum.oauth.tokens.listPersonal((await ctx.forum.db.users.findByUsername('bob'))!.id)).toEqual([]);
    });

    it('refuses a request without a scope, with a message', async () => {
      const page = await bob.get('/settings/tokens');
      const res = await submit(bob, page.text, '/settings/tokens', { name: 'no scopes', expires: '30d' });
      expect(res.status).toBe(400);
      expect(res.text).toContain('at least one scope');
    });

    it('lists it in the admin page, and only admins may decide (with the CSRF token)', async () => {
      admin = await logIn('admin');
      expect((await admin.get('/admin').expect(303)).headers.location).toBe('/admin/apps');
      const queue = await admin.get('/admin/apps').expect(200);
      expect(queue.text).toContain('Personal access token requests (1)');
      expect(queue.text).toContain('unread notifier');
      requestId = /action="\/admin\/token-requests\/([^/"]+)\/approve"/.exec(queue.text)![1]!;

      await admin.post(`/admin/token-requests/${requestId}/approve`).type('form').send({}).expect(403);
      const bobsCsrf = /name="_csrf" value="([^"]+)"/.exec((await bob.get('/settings/tokens')).text)![1]!;
      await bob.post(`/admin/token-requests/${requestId}/approve`).type('form').send({ _csrf: bobsCsrf }).expect(403);
    });

    it('the admin approves it without seeing a token', async () => {
      const queue = await admin.get('/admin/apps');
      const res = await submit(admin, queue.text, `/admin/token-requests/${requestId}/approve`);
      expect(res.status).toBe(303);
      const after = await admin.get('/admin/apps').expect(200);
      expect(after.text).toContain('was approved');
      expect(after.text).toContain('Personal access token requests (0)');
      expect(after.text).not.toContain('new-token');
    });

    it('bob collects the token once; a reload or a second press does not show it again', async () => {
      const page = await bob.get('/settings/tokens').expect(200);
      expect(page.text).toContain('>Show token</button>');
      const shown = await submit(bob, page.text, `/settings/tokens/requests/${requestId}/collect`);
      expect(shown.status).toBe(200);
      expect(shown.headers['cache-control']).toBe('no-store');
      token = /<code id="new-token">([^<]+)<\/code>/.exec(shown.text)![1]!;

      const reload = await bob.get('/settings/tokens').expect(200);
      expect(reload.text).not.toContain(token);
      expect(reload.text).not.toContain('>Show token</button>');
      expect(reload.text).toContain('unread notifier');
      const again = await bob.post(`/settings/tokens/requests/${requestId}/collect`).type('form').set('Origin', PUBLIC_URL)
        .send({ _csrf: /name="_csrf" value="([^"]+)"/.exec(reload.text)![1]! });
      expect(again.status).toBe(303);
      expect((await bob.get('/settings/tokens')).text).toContain('not waiting to be collected');
    });

    it('the token works with Authorization: <token> (no Bearer) for its scopes only', async () => {
      const listing = await client().get('/api/v1/front/listing').set(bare(token)).expect(200);
      expect(listing.body.data.length).toBeGreaterThan(0);
      // The guide's own examples, with the personal token it describes.
      expect((await client().get('/?sort=comments').set(pythonRequests(token)).expect(200)).body).toEqual(listing.body);
      expect((await client().get('/unread').set(pythonRequests(token)).expect(200)).body).toEqual({ data: [] });
      await client().get('/api/v1/identity').set(bare(token)).expect(403);
    });

    it('another user cannot collect it, and a denied request shows as denied with nothing to collect', async () => {
      const alice = await logIn('alice');
      const page = await alice.get('/settings/tokens');
      await submit(alice, page.text, '/settings/tokens', { name: 'alice script', scopes: 'identity', expires: '30d' }).expect(303);
      const queue = await admin.get('/admin/apps');
      const aliceRequest = /id="token-request-([^"]+)"/.exec(queue.text)![1]!;
      await submit(admin, queue.text, `/admin/token-requests/${aliceRequest}/deny`).expect(303);
      const after = await alice.get('/settings/tokens').expect(200);
      expect(after.text).toContain('<span class="status denied">denied</span>');
      expect(after.text).not.toContain('>Show token</button>');
      // Bob posting to alice's (denied) request, or to his own collected one, gets nothing.
      const csrf = /name="_csrf" value="([^"]+)"/.exec((await bob.get('/settings/tokens')).text)![1]!;
      const stolen = await bob.post(`/settings/tokens/requests/${aliceRequest}/collect`).type('form').set('Origin', PUBLIC_URL).send({ _csrf: csrf });
      expect(stolen.status).toBe(303);
      expect(stolen.text).not.toContain('new-token');
    });

    it('bob revokes it, and it stops working', async () => {
      const page = await bob.get('/settings/tokens');
      const id = /action="\/settings\/tokens\/([^/"]+)\/revoke"/.exec(page.text)![1]!;
      await submit(bob, page.text, `/settings/tokens/${id}/revoke`).expect(303);
      await client().get('/api/v1/front/listing').set(bare(token)).expect(401);
    });
  });
});

describe('guide 001: the library defaults refuse what its clients send unless the site opts in', () => {
  it('implicitGrant off: response_type=token is unsupported_response_type', async () => {
    const f = await createFixture();
    const res = await request(f.app).get(`/oauth/authorize?${authorizeQuery(f.conf, { response_type: 'token', scope: undefined, state: undefined, redirect_uri: undefined })}`)
      .set('Cookie', asUser());
    expect(new URL(res.headers.location!).searchParams.get('error')).toBe('unsupported_response_type');
  });

  it('bareTokenAuthorization off: Authorization: <token> without Bearer is invalid_request', async () => {
    const f = await createFixture();
    const { access_token: token } = await tokensFor(f);
    const res = await request(f.app).get('/api/read').set(bare(token));
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
    await request(f.app).get('/api/read').set('Authorization', `Bearer ${token}`).expect(200);
  });
});
