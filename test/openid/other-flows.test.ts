import request from 'supertest';
import { asUser, ISSUER, readConsentForm } from '../support/provider-fixture';
import { answer, deviceFor, poll } from '../support/device-flow';
import { createOpenIdFixture, signIn, verifyIdToken } from '../support/openid-fixture';
import { loadJose } from '../../src/keys/jose';

describe('ID tokens beyond the code flow', () => {
  it('the device flow: the device gets an ID token for the user who approved, and its refresh one too', async () => {
    const f = await createOpenIdFixture();
    const device = await deviceFor(f, f.rp, 'openid profile');
    expect((await answer(f, device.user_code, 'approve')).status).toBe(200);
    const res = await poll(f, f.rp, device.device_code);
    expect(res.status).toBe(200);
    const { payload } = await verifyIdToken(f, res.body.id_token, f.rp.id);
    expect(payload).toMatchObject({ sub: 'id-alice', aud: f.rp.id, preferred_username: 'alice' });
    expect(payload).not.toHaveProperty('nonce');
    const refreshed = await request(f.app).post('/oauth/token').auth(f.rp.id, f.rp.secret!).type('form')
      .send({ grant_type: 'refresh_token', refresh_token: res.body.refresh_token });
    expect((await verifyIdToken(f, refreshed.body.id_token, f.rp.id)).payload.sub).toBe('id-alice');
  });

  it('the PIN flow: the PIN\'s exchange returns an ID token with the request\'s nonce', async () => {
    const f = await createOpenIdFixture();
    const page = await request(f.app).get(`/oauth/authorize?client_id=${f.rp.id}&response_type=pin&scope=openid&nonce=pin-nonce`).set('Cookie', asUser());
    expect(page.status).toBe(200);
    const form = readConsentForm(page.text);
    const shown = await request(f.app).post(form.action).set('Cookie', asUser()).set('Origin', ISSUER).type('form').send({ ...form.fields, decision: 'approve' });
    const pin = /id="pin"[^>]*>([^<]+)</.exec(shown.text)![1]!;
    const res = await request(f.app).post('/oauth/token').type('form').send({ client_id: f.rp.id, client_secret: f.rp.secret!, grant_type: 'pin', pin });
    expect(res.status).toBe(200);
    expect((await verifyIdToken(f, res.body.id_token, f.rp.id)).payload).toMatchObject({ sub: 'id-alice', nonce: 'pin-nonce' });
  });

  it('the site\'s own keys: ID tokens carry its kid and verify against the JWKS, which holds no private member', async () => {
    const { generateKeyPair, exportJWK } = await loadJose();
    const { privateKey } = await generateKeyPair('RS256', { extractable: true });
    const jwk = { ...(await exportJWK(privateKey)), kid: 'site-key-2026', alg: 'RS256' };
    const f = await createOpenIdFixture({}, { keys: { jwks: [jwk] } });
    const jwks = (await request(f.app).get('/oauth/jwks')).body;
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).not.toHaveProperty('d');
    const { header } = await verifyIdToken(f, (await signIn(f)).id_token, f.rp.id);
    expect(header.kid).toBe('site-key-2026');
  });

  it('client_credentials with openid gets no ID token (there is no user)', async () => {
    const f = await createOpenIdFixture();
    await f.oauth.clients.setPermissions(f.rp.id, { allowClientCredentials: true });
    const res = await request(f.app).post('/oauth/token').auth(f.rp.id, f.rp.secret!).type('form').send({ grant_type: 'client_credentials', scope: 'openid read' });
    expect(res.status).toBe(200);
    expect(res.body.id_token).toBeUndefined();
    const info = await request(f.app).get('/oauth/userinfo').set('Authorization', `Bearer ${res.body.access_token}`);
    expect(info.status).toBe(403);
  });
});
