import request from 'supertest';
import { asUser, consent, createFixture } from '../support/provider-fixture';
import { dialectForum } from './forum';

// Guide 004 (Imgur through pyimgur): authorization_url('pin') is
// `/oauth2/authorize?client_id=X&response_type=pin&state=` (no scope); the user is shown a PIN;
// exchange_pin and refresh_access_token POST form data to /oauth2/token with the client's id and
// secret. Access tokens last 60 minutes; "the refresh_token lasts forever".
const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };

describe('guide 004 (Imgur / pyimgur) against the example forum', () => {
  const { ctx, client, authorize } = dialectForum();
  let CLIENT_ID: string;
  let CLIENT_SECRET: string;
  let pin: string;
  let refreshToken: string;

  // pyimgur's requests: form-encoded POST bodies.
  const post = (data: Record<string, string>) => client().post('/oauth2/token').set(FORM).send(new URLSearchParams(data).toString());
  const exchangePin = (value: string) => post({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, grant_type: 'pin', pin: value });
  const refreshAccessToken = () => post({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, refresh_token: refreshToken, grant_type: 'refresh_token' });

  it('has a registered, approved app (the guide does not describe registration: made through oauth.clients)', async () => {
    const alice = (await ctx.forum.db.users.findByUsername('alice'))!;
    const requested = await ctx.forum.oauth.clients.request({
      name: 'PyImgur Uploader', redirectUris: ['https://uploader.example/cb'], description: 'Uploads images', ownerId: alice.id,
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

  it('step two: exchange_pin gives an access token for 60 minutes and a refresh token; the PIN works once', async () => {
    const res = await exchangePin(pin);
    expect(res.status).toBe(200);
    expect(res.body.expires_in).toBe(3600);
    expect(res.body.scope).toBe('identity read');
    refreshToken = res.body.refresh_token;
    expect(refreshToken).toEqual(expect.any(String));
    const me = await client().get('/api/v1/identity').set('Authorization', `Bearer ${res.body.access_token}`).expect(200);
    expect(me.body.username).toBe('bob');
    expect((await exchangePin(pin)).body.error).toBe('invalid_grant');
  });

  it('step three: refresh_access_token works again and again with the same refresh token', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2; i += 1) {
      const res = await refreshAccessToken();
      expect(res.status).toBe(200);
      expect(res.body.expires_in).toBe(3600);
      seen.add(res.body.access_token);
      await client().get('/api/v1/front/listing').set('Authorization', `Bearer ${res.body.access_token}`).expect(200);
    }
    expect(seen.size).toBe(2);
  });
});

describe('guide 004: the library defaults refuse what its clients send unless the site opts in', () => {
  it('refreshWithoutRotation off: the same refresh token used twice fails the second time (and ends the grant)', async () => {
    const f = await createFixture();
    const shown = await consent(f, `client_id=${f.conf.id}&response_type=pin&scope=read`);
    const strictPin = /id="pin"[^>]*>([^<]+)</.exec(shown.text)![1]!;
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

  it('no defaultScopes: pyimgur\'s request without a scope is invalid_scope', async () => {
    const f = await createFixture();
    const res = await request(f.app).get(`/oauth/authorize?client_id=${f.conf.id}&response_type=pin&state=`).set('Cookie', asUser());
    expect(new URL(res.headers.location!).searchParams.get('error')).toBe('invalid_scope');
  });
});
