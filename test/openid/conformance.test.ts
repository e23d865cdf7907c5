/**
 * The smaller items of the OpenID Connect Basic OP profile (see "OpenID Connect conformance" in
 * the README for the whole list and where each is tested).
 */
import request from 'supertest';
import { ISSUER, pkcePair, readConsentForm } from '../support/provider-fixture';
import { createOpenIdFixture, exchangeCode, oidcQuery, session, signIn, verifyIdToken, type OpenIdFixture } from '../support/openid-fixture';

const everything = { preferred_username: 'alice', name: 'Alice Liddell', email: 'alice@example.com', email_verified: true,
  phone_number: '+1 555 0100', phone_number_verified: false, address: { formatted: '1 Rabbit Hole, Oxford' }, updated_at: 1_700_000_000 };

async function codeFor(f: OpenIdFixture, extra: Record<string, string | undefined>) {
  const pkce = pkcePair();
  const page = await request(f.app).get(`/oauth/authorize?${oidcQuery(f.rp, extra, pkce)}`).set('Cookie', session());
  expect(page.status).toBe(200);
  const form = readConsentForm(page.text);
  const answer = await request(f.app).post(form.action).set('Cookie', session()).set('Origin', ISSUER).type('form').send({ ...form.fields, decision: 'approve' });
  return { code: new URL(answer.headers.location!).searchParams.get('code')!, verifier: pkce.verifier };
}

describe('OpenID Connect Basic OP items', () => {
  it('an authentication request without response_type is refused, even where guide 000 may leave it out', async () => {
    const f = await createOpenIdFixture({ compat: { defaultResponseTypeCode: true } });
    const res = await request(f.app).get(`/oauth/authorize?${oidcQuery(f.rp, { response_type: undefined })}`).set('Cookie', session());
    expect(new URL(res.headers.location!).searchParams.get('error')).toBe('invalid_request');
    // The plain OAuth request of guide 000 still gets its code.
    expect((await request(f.app).get(`/oauth/authorize?${oidcQuery(f.rp, { response_type: undefined, scope: 'read' })}`).set('Cookie', session())).status).toBe(200);
  });

  it('no nonce in the request: the code flow succeeds and the ID token has no nonce', async () => {
    const f = await createOpenIdFixture();
    const { payload } = await verifyIdToken(f, (await signIn(f, { nonce: undefined })).id_token, f.rp.id);
    expect(payload).not.toHaveProperty('nonce');
  });

  it('unknown parameters, display, acr_values and claims_locales are accepted and change nothing', async () => {
    const f = await createOpenIdFixture();
    const tokens = await signIn(f, { display: 'popup', acr_values: 'urn:mace:incommon:iap:silver', claims_locales: 'fr', extra_thing: '1' });
    expect((await verifyIdToken(f, tokens.id_token, f.rp.id)).payload.sub).toBe('id-alice');
  });

  it('scopes in another order, and every claim scope: profile, email, address, phone', async () => {
    const f = await createOpenIdFixture({}, { claims: () => everything });
    await f.clients.update(f.rp.id, { scopes: ['openid', 'profile', 'email', 'address', 'phone'] });
    const tokens = await signIn(f, { scope: 'phone address email profile openid' });
    const info = (await request(f.app).get('/oauth/userinfo').set('Authorization', `Bearer ${tokens.access_token}`)).body;
    expect(info).toEqual({ sub: 'id-alice', ...everything });
    expect((await verifyIdToken(f, tokens.id_token, f.rp.id)).payload).toMatchObject(everything);
  });

  it('a code used twice: the second exchange fails and what the first issued is revoked', async () => {
    const f = await createOpenIdFixture();
    const { code, verifier } = await codeFor(f, {});
    const first = await exchangeCode(f, code, verifier);
    const again = await request(f.app).post('/oauth/token').auth(f.rp.id, f.rp.secret!).type('form')
      .send({ grant_type: 'authorization_code', code, redirect_uri: f.rp.redirectUri, code_verifier: verifier });
    expect(again.status).toBe(400);
    expect(again.body.error).toBe('invalid_grant');
    expect((await request(f.app).get('/oauth/userinfo').set('Authorization', `Bearer ${first.access_token}`)).status).toBe(401);
  });

  it('client_secret_post authentication gets ID tokens too', async () => {
    const f = await createOpenIdFixture();
    const { code, verifier } = await codeFor(f, {});
    const res = await request(f.app).post('/oauth/token').type('form').send({
      grant_type: 'authorization_code', code, redirect_uri: f.rp.redirectUri, code_verifier: verifier, client_id: f.rp.id, client_secret: f.rp.secret!,
    });
    expect(res.status).toBe(200);
    expect((await verifyIdToken(f, res.body.id_token, f.rp.id)).payload.aud).toBe(f.rp.id);
  });

  it('the consent page says what the app will learn, with the values it will see', async () => {
    const f = await createOpenIdFixture();
    const page = await request(f.app).get(`/oauth/authorize?${oidcQuery(f.rp)}`).set('Cookie', session());
    expect(page.text).toContain('will learn');
    expect(page.text).toContain('alice@example.com (verified)');
    expect(page.text).toContain('Alice Liddell');
  });
});
