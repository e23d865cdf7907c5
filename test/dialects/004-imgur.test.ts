import request from 'supertest';
import { asUser, consent, createFixture, getCode } from '../support/provider-fixture';
import { at, dialectForum, redirectParams } from './forum';

// Guide 004 (Imgur through pyimgur 0.7; docs/client-dialects.md): authorization_url('pin' | 'code') is
// `/oauth2/authorize?client_id=X&response_type=pin&state=` (no scope); the user is shown a PIN
// (or, for 'code', redirected with a code). exchange_pin, exchange_code and refresh_access_token
// POST form data to /oauth2/token with the client's id and secret, and, like every pyimgur
// request, an Authorization header: `Client-ID <client_id>` while the Imgur object has no access
// token, `Bearer <access_token>` once it has one. Access tokens last 60 minutes; "the
// refresh_token lasts forever".
const REDIRECT_URI = 'https://uploader.example/cb';
const DAY = 24 * 3600 * 1000;

/** What pyimgur's send_request puts on a POST: its Authorization header and a form body (requests' `data=`). */
function pyimgurPost(app: () => { post: (url: string) => request.Test }, url: string, accessToken: string | null, clientId: string, data: Record<string, string>) {
  return app().post(url)
    .set('Authorization', accessToken === null ? `Client-ID ${clientId}` : `Bearer ${accessToken}`)
    .set('Content-Type', 'application/x-www-form-urlencoded')
    .send(new URLSearchParams(data).toString());
}

describe('guide 004 (Imgur / pyimgur) against the example forum', () => {
  const { ctx, client, authorize } = dialectForum();
  let CLIENT_ID: string;
  let CLIENT_SECRET: string;
  let pin: string;
  /** The `im` object's state, as pyimgur keeps it. */
  const im = { accessToken: null as string | null, refreshToken: null as string | null };

  const exchangePin = (value: string) => pyimgurPost(client, '/oauth2/token', im.accessToken, CLIENT_ID,
    { client_id: CLIENT_ID, client_secret: CLIENT_SECRET, grant_type: 'pin', pin: value });
  const exchangeCode = (code: string, accessToken: string | null) => pyimgurPost(client, '/oauth2/token', accessToken, CLIENT_ID,
    { client_id: CLIENT_ID, client_secret: CLIENT_SECRET, grant_type: 'authorization_code', code });
  const refreshAccessToken = (refreshToken = im.refreshToken!) => pyimgurPost(client, '/oauth2/token', im.accessToken, CLIENT_ID,
    { client_id: CLIENT_ID, client_secret: CLIENT_SECRET, grant_type: 'refresh_token', refresh_token: refreshToken });
  const api = (path: string, token = im.accessToken!) => client().get(path).set('Authorization', `Bearer ${token}`);

  it('has a registered, approved app (the guide does not describe registration: made through oauth.clients)', async () => {
    const alice = (await ctx.forum.db.users.findByUsername('alice'))!;
    const requested = await ctx.forum.oauth.clients.request({
      name: 'PyImgur Uploader', redirectUris: [REDIRECT_URI], description: 'Uploads images', ownerId: alice.id,
    });
    const approved = await ctx.forum.oauth.clients.approve(requested.id);
    CLIENT_ID = requested.id;
    CLIENT_SECRET = approved.clientSecret!;
  });

  it('step one: authorization_url("pin") leads through login and consent to a page with the PIN in id="pin"', async () => {
    const authUrl = `/oauth2/authorize?client_id=${CLIENT_ID}&response_type=pin&state=`;
    const { consent: page, decided } = await authorize(authUrl);
    // pyimgur sends no scope: the forum's default scopes are asked for.
    expect(page.text).toContain('See your username');
    expect(page.text).toContain('Read posts, comments and your front page');
    expect(decided.status).toBe(200);
    expect(decided.headers.location).toBeUndefined();
    expect(decided.headers['cache-control']).toBe('no-store');
    pin = /id="pin"[^>]*>([^<]+)</.exec(decided.text)![1]!;
    expect(pin).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
  });

  it('step two: exchange_pin (Authorization: Client-ID) gives an access token for 60 minutes and a refresh token; the PIN works once', async () => {
    const res = await exchangePin(pin);
    expect(res.status).toBe(200);
    expect(res.body.expires_in).toBe(3600);
    expect(res.body.scope).toBe('identity read');
    expect(res.body.refresh_token).toEqual(expect.any(String));
    im.accessToken = res.body.access_token;
    im.refreshToken = res.body.refresh_token;
    // pyimgur's API calls carry Authorization: Bearer <access_token>.
    const me = await api('/api/v1/identity').expect(200);
    expect(me.body.username).toBe('bob');
    // A second exchange_pin now goes out with the Bearer header (im has a token): the PIN is spent.
    expect((await exchangePin(pin)).body.error).toBe('invalid_grant');
  });

  it('step three: refresh_access_token (Authorization: Bearer <old access token>) works again and again with the same refresh token', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2; i += 1) {
      const res = await refreshAccessToken();
      expect(res.status).toBe(200);
      expect(res.body.expires_in).toBe(3600);
      // The same refresh token, echoed: it does not rotate, and it lasts.
      expect(res.body.refresh_token).toBe(im.refreshToken);
      im.accessToken = res.body.access_token;
      seen.add(im.accessToken!);
      await api('/api/v1/front/listing').expect(200);
    }
    expect(seen.size).toBe(2);
  });

  it('"the refresh_token lasts forever": the first refresh token still works at day 31 and day 200', async () => {
    const issuedAt = Date.now();
    for (const day of [31, 200]) {
      const later = issuedAt + day * DAY;
      const res = await at(later, () => refreshAccessToken());
      expect(res.status).toBe(200);
      expect(res.body.expires_at).toBe(Math.floor(later / 1000) + 3600);
      const token: string = res.body.access_token;
      await at(later, () => api('/api/v1/front/listing', token).expect(200));
    }
  });

  it('authorization_url("code") and exchange_code (Authorization: Client-ID on a fresh Imgur object) give tokens too', async () => {
    const { decided } = await authorize(`/oauth2/authorize?client_id=${CLIENT_ID}&response_type=code&state=`);
    expect(decided.status).toBe(303);
    const code = redirectParams(decided.headers.location, REDIRECT_URI).get('code')!;
    const res = await exchangeCode(code, null);
    expect(res.status).toBe(200);
    expect(res.body.refresh_token).toEqual(expect.any(String));
    await api('/api/v1/identity', res.body.access_token).expect(200);
  });

  it('exchange_code from an Imgur object that already holds a token sends Bearer <that token>: accepted too', async () => {
    const { decided } = await authorize(`/oauth2/authorize?client_id=${CLIENT_ID}&response_type=code&state=`);
    const code = redirectParams(decided.headers.location, REDIRECT_URI).get('code')!;
    const res = await exchangeCode(code, im.accessToken);
    expect(res.status).toBe(200);
  });

  it('the ignored header authenticates nothing: a wrong body secret is still invalid_client; Basic beside a body secret, or a Client-ID naming another client, is still refused', async () => {
    const wrong = await pyimgurPost(client, '/oauth2/token', null, CLIENT_ID,
      { client_id: CLIENT_ID, client_secret: 'not-the-secret', grant_type: 'refresh_token', refresh_token: im.refreshToken! });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toBe('invalid_client');

    const form = { client_id: CLIENT_ID, client_secret: CLIENT_SECRET, grant_type: 'refresh_token', refresh_token: im.refreshToken! };
    const basic = await client().post('/oauth2/token').type('form')
      .set('Authorization', `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`).send(form);
    expect(basic.status).toBe(400);
    expect(basic.body.error_description).toBe('Use only one client authentication method.');
    const otherId = await client().post('/oauth2/token').type('form').set('Authorization', 'Client-ID someone-else').send(form);
    expect(otherId.status).toBe(400);
    expect(otherId.body.error_description).toBe('Use only one client authentication method.');
  });
});

describe('guide 004: the library defaults refuse what its clients send unless the site opts in', () => {
  const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };
  const pinOf = (html: string) => /id="pin"[^>]*>([^<]+)</.exec(html)![1]!;

  it('ignoreAuthorizationWithBodySecret off: pyimgur\'s Client-ID and Bearer headers beside the body secret are invalid_request', async () => {
    const f = await createFixture();
    const app = () => request(f.app);
    const strictPin = pinOf((await consent(f, `client_id=${f.conf.id}&response_type=pin&scope=read`)).text);
    const body = { client_id: f.conf.id, client_secret: f.conf.secret!, grant_type: 'pin', pin: strictPin };
    const refused = await pyimgurPost(app, '/oauth/token', null, f.conf.id, body);
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({ error: 'invalid_request', error_description: 'Use only one client authentication method.' });
    // Refused before the PIN was looked at: the same exchange without the header still works.
    const tokens = await app().post('/oauth/token').set(FORM).send(new URLSearchParams(body).toString());
    expect(tokens.status).toBe(200);

    const bearer = await pyimgurPost(app, '/oauth/token', tokens.body.access_token, f.conf.id,
      { client_id: f.conf.id, client_secret: f.conf.secret!, grant_type: 'refresh_token', refresh_token: tokens.body.refresh_token });
    expect(bearer.status).toBe(400);
    expect(bearer.body.error).toBe('invalid_request');

    const code = await getCode(f, f.conf, { redirect_uri: undefined });
    const exchange = await pyimgurPost(app, '/oauth/token', null, f.conf.id,
      { client_id: f.conf.id, client_secret: f.conf.secret!, grant_type: 'authorization_code', code });
    expect(exchange.status).toBe(400);
    expect(exchange.body.error).toBe('invalid_request');
  });

  it('ignoreAuthorizationWithBodySecret on: the same requests work, and Basic beside a body secret stays an error', async () => {
    const f = await createFixture({ compat: { ignoreAuthorizationWithBodySecret: true } });
    const app = () => request(f.app);
    const lenientPin = pinOf((await consent(f, `client_id=${f.conf.id}&response_type=pin&scope=read`)).text);
    const tokens = await pyimgurPost(app, '/oauth/token', null, f.conf.id,
      { client_id: f.conf.id, client_secret: f.conf.secret!, grant_type: 'pin', pin: lenientPin });
    expect(tokens.status).toBe(200);
    const refreshed = await pyimgurPost(app, '/oauth/token', tokens.body.access_token, f.conf.id,
      { client_id: f.conf.id, client_secret: f.conf.secret!, grant_type: 'refresh_token', refresh_token: tokens.body.refresh_token });
    expect(refreshed.status).toBe(200);
    const basic = await app().post('/oauth/token').set(FORM)
      .set('Authorization', `Basic ${Buffer.from(`${f.conf.id}:${f.conf.secret}`).toString('base64')}`)
      .send(new URLSearchParams({ client_id: f.conf.id, client_secret: f.conf.secret!, grant_type: 'refresh_token', refresh_token: refreshed.body.refresh_token }).toString());
    expect(basic.body.error_description).toBe('Use only one client authentication method.');
  });

  it('refreshWithoutRotation off: the same refresh token used twice fails the second time (and ends the grant)', async () => {
    const f = await createFixture();
    const shown = await consent(f, `client_id=${f.conf.id}&response_type=pin&scope=read`);
    const strictPin = pinOf(shown.text);
    const form = (data: Record<string, string>) => request(f.app).post('/oauth/token').set(FORM).send(new URLSearchParams(data).toString());
    const tokens = await form({ client_id: f.conf.id, client_secret: f.conf.secret!, grant_type: 'pin', pin: strictPin });
    expect(tokens.status).toBe(200);
    const again = () => form({ client_id: f.conf.id, client_secret: f.conf.secret!, refresh_token: tokens.body.refresh_token, grant_type: 'refresh_token' });
    const first = await again();
    expect(first.status).toBe(200);
    expect(first.body.refresh_token).not.toBe(tokens.body.refresh_token);
    expect((await again()).body.error).toBe('invalid_grant');
    await request(f.app).get('/api/read').set('Authorization', `Bearer ${first.body.access_token}`).expect(401);
  });

  it('the default refresh lifetime (30 days, counted from issuance without rotation) ends the first refresh token at day 31', async () => {
    const f = await createFixture({ compat: { refreshWithoutRotation: true } });
    const issuedAt = Date.now();
    const code = await getCode(f, f.conf, { redirect_uri: undefined });
    const tokens = await request(f.app).post('/oauth/token').set(FORM)
      .send(new URLSearchParams({ client_id: f.conf.id, client_secret: f.conf.secret!, grant_type: 'authorization_code', code }).toString());
    const refreshAt = (ms: number) => at(ms, () => request(f.app).post('/oauth/token').set(FORM)
      .send(new URLSearchParams({ client_id: f.conf.id, client_secret: f.conf.secret!, grant_type: 'refresh_token', refresh_token: tokens.body.refresh_token }).toString()));
    expect((await refreshAt(issuedAt + 29 * DAY)).status).toBe(200);
    expect((await refreshAt(issuedAt + 31 * DAY)).body.error).toBe('invalid_grant');
  });

  it('no defaultScopes: pyimgur\'s request without a scope is invalid_scope', async () => {
    const f = await createFixture();
    const res = await request(f.app).get(`/oauth/authorize?${new URLSearchParams({ client_id: f.conf.id, response_type: 'pin', state: '' })}`).set('Cookie', asUser());
    expect(new URL(res.headers.location!).searchParams.get('error')).toBe('invalid_scope');
  });
});
