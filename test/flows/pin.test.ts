import request from 'supertest';
import { asUser, basic, callApi, createFixture, ISSUER, readConsentForm } from '../support/provider-fixture';

/** Guide 004 (Imgur through pyimgur): the user is shown a PIN and types it into the app. */
describe('response_type=pin', () => {
  async function pinFor(f: Awaited<ReturnType<typeof createFixture>>, clientId: string) {
    const page = await request(f.app).get(`/oauth/authorize?client_id=${clientId}&response_type=pin&scope=read`).set('Cookie', asUser());
    expect(page.status).toBe(200);
    const form = readConsentForm(page.text);
    const shown = await request(f.app).post(form.action).set('Cookie', asUser()).set('Origin', ISSUER).type('form').send({ ...form.fields, decision: 'approve' });
    expect(shown.status).toBe(200);
    expect(shown.headers.location).toBeUndefined();
    // The PIN is a credential on screen: no framing, no caching, no Referer (RFC 9700 §4.16, B6).
    expect(shown.headers['x-frame-options']).toBe('DENY');
    expect(shown.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(shown.headers['cache-control']).toBe('no-store');
    expect(shown.headers['referrer-policy']).toBe('no-referrer');
    return /id="pin"[^>]*>([^<]+)</.exec(shown.text)![1]!;
  }

  it('shows a PIN that the app exchanges once, with its credentials, for tokens', async () => {
    const f = await createFixture();
    const pin = await pinFor(f, f.conf.id);
    expect(pin).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    const exchange = () => request(f.app).post('/oauth/token').type('form')
      .send({ client_id: f.conf.id, client_secret: f.conf.secret!, grant_type: 'pin', pin });
    const first = await exchange();
    expect(first.status).toBe(200);
    expect(first.body.refresh_token).toEqual(expect.any(String));
    expect((await callApi(f, first.body.access_token)).status).toBe(200);
    const second = await exchange();
    expect(second.status).toBe(400);
    expect(second.body.error).toBe('invalid_grant');
  });

  it('accepts the PIN typed in lower case without the dash', async () => {
    const f = await createFixture();
    const pin = await pinFor(f, f.conf.id);
    const res = await request(f.app).post('/oauth/token').set('Authorization', basic(f.conf.id, f.conf.secret!)).type('form')
      .send({ grant_type: 'pin', pin: pin.replace('-', '').toLowerCase() });
    expect(res.status).toBe(200);
  });

  it('binds the PIN to its client and leaves it usable by that client', async () => {
    const f = await createFixture();
    const pin = await pinFor(f, f.conf.id);
    const stolen = await request(f.app).post('/oauth/token').set('Authorization', basic(f.other.id, f.other.secret!)).type('form')
      .send({ grant_type: 'pin', pin });
    expect(stolen.body.error).toBe('invalid_grant');
    const owner = await request(f.app).post('/oauth/token').set('Authorization', basic(f.conf.id, f.conf.secret!)).type('form')
      .send({ grant_type: 'pin', pin });
    expect(owner.status).toBe(200);
  });

  it('refuses an expired PIN', async () => {
    const f = await createFixture();
    const pin = await pinFor(f, f.conf.id);
    const now = Date.now();
    const clock = jest.spyOn(Date, 'now').mockReturnValue(now + 301_000);
    try {
      const res = await request(f.app).post('/oauth/token').set('Authorization', basic(f.conf.id, f.conf.secret!)).type('form')
        .send({ grant_type: 'pin', pin });
      expect(res.body.error).toBe('invalid_grant');
    } finally {
      clock.mockRestore();
    }
  });

  it('limits failed PIN guesses for a client with 429', async () => {
    const f = await createFixture({ rateLimit: { failures: 3, windowSeconds: 60 } });
    const guess = () => request(f.app).post('/oauth/token').set('Authorization', basic(f.conf.id, f.conf.secret!)).type('form')
      .send({ grant_type: 'pin', pin: 'BBBB-BBBB' });
    for (let i = 0; i < 3; i += 1) expect((await guess()).status).toBe(400);
    const limited = await guess();
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toEqual(expect.any(String));
  });

  it("lists a shown PIN among the user's apps, and once exchanged, only its tokens' grant", async () => {
    const f = await createFixture();
    const pin = await pinFor(f, f.conf.id);
    expect((await f.oauth.grants.listForUser('id-alice')).map((a) => a.clientId)).toEqual([f.conf.id]);
    const res = await request(f.app).post('/oauth/token').set('Authorization', basic(f.conf.id, f.conf.secret!)).type('form')
      .send({ grant_type: 'pin', pin });
    expect(res.status).toBe(200);
    const apps = await f.oauth.grants.listForUser('id-alice');
    expect(apps).toHaveLength(1);
    expect(res.body.access_token.startsWith(`${apps[0]!.grantId}.`)).toBe(true);
  });

  it("J2 refuses a PIN that was outstanding when the user's grants were revoked", async () => {
    const f = await createFixture();
    const pin = await pinFor(f, f.conf.id);
    expect(await f.oauth.grants.revokeAllForUser('id-alice')).toBe(1);
    const res = await request(f.app).post('/oauth/token').set('Authorization', basic(f.conf.id, f.conf.secret!)).type('form')
      .send({ grant_type: 'pin', pin });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_grant');
    expect(await f.oauth.grants.listForUser('id-alice')).toEqual([]);
  });

  it('refuses response_type=pin for a public client', async () => {
    const f = await createFixture();
    const res = await request(f.app).get(`/oauth/authorize?client_id=${f.pub.id}&response_type=pin&scope=read`).set('Cookie', asUser());
    expect(res.status).toBe(302);
    expect(new URL(res.headers.location!).searchParams.get('error')).toBe('unauthorized_client');
  });
});
