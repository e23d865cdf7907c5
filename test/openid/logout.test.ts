import request from 'supertest';
import { ISSUER, readConsentForm } from '../support/provider-fixture';
import { useFakeClock } from '../support/fake-clock';
import { createOpenIdFixture, RP_LOGGED_OUT, session, signIn } from '../support/openid-fixture';

const clock = useFakeClock();

const logout = (query: Record<string, string>, cookie: string | null = session()) => {
  return (app: import('express').Express) => {
    const req = request(app).get(`/oauth/logout?${new URLSearchParams(query)}`);
    return cookie === null ? req : req.set('Cookie', cookie);
  };
};

describe('RP-initiated logout', () => {
  it('with the user\'s own id_token_hint: the site\'s logout runs at once and the user goes back with state', async () => {
    const f = await createOpenIdFixture();
    const { id_token } = await signIn(f);
    const res = await logout({ id_token_hint: id_token, post_logout_redirect_uri: RP_LOGGED_OUT, state: 'bye-1' })(f.app);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`${RP_LOGGED_OUT}?state=bye-1`);
    expect(f.logouts).toEqual(['alice']);
  });

  it('without a hint: a confirmation page first; confirming signs out and goes back', async () => {
    const f = await createOpenIdFixture();
    const page = await logout({ client_id: f.rp.id, post_logout_redirect_uri: RP_LOGGED_OUT, state: 's2' })(f.app);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Sign out of forum.example?');
    expect(page.text).toContain('Relying Party');
    expect(page.headers['content-security-policy']).toContain('https://rp.example');
    expect(f.logouts).toEqual([]);
    const form = readConsentForm(page.text);
    const done = await request(f.app).post(form.action).set('Cookie', session()).set('Origin', ISSUER).type('form').send({ ...form.fields, logout: 'confirm' });
    expect(done.status).toBe(303);
    expect(done.headers.location).toBe(`${RP_LOGGED_OUT}?state=s2`);
    expect(f.logouts).toEqual(['alice']);
  });

  it('a confirmation posted from another site is refused', async () => {
    const f = await createOpenIdFixture();
    const res = await request(f.app).post('/oauth/logout').set('Cookie', session()).set('Origin', 'https://evil.example').type('form').send({ logout: 'confirm' });
    expect(res.status).toBe(403);
    expect(f.logouts).toEqual([]);
  });

  it('a hint for another user than the signed-in one asks first', async () => {
    const f = await createOpenIdFixture();
    const bob = await signIn(f, {}, session('bob'));
    const res = await logout({ id_token_hint: bob.id_token })(f.app);
    expect(res.status).toBe(200);
    expect(res.text).toContain('Sign out of');
    expect(f.logouts).toEqual([]);
  });

  it('an expired hint is no proof: the user is asked, and may still go back to the app', async () => {
    const f = await createOpenIdFixture();
    const { id_token } = await signIn(f);
    clock.advance(3700);
    const res = await logout({ id_token_hint: id_token, post_logout_redirect_uri: RP_LOGGED_OUT })(f.app);
    expect(res.status).toBe(200);
    expect(f.logouts).toEqual([]);
    expect(readConsentForm(res.text).fields).toMatchObject({ client_id: f.rp.id, post_logout_redirect_uri: RP_LOGGED_OUT });
  });

  it('refuses a tampered hint with an error page, and nobody is signed out', async () => {
    const f = await createOpenIdFixture();
    const { id_token } = await signIn(f);
    const [h, b, s] = id_token.split('.');
    const claims = JSON.parse(Buffer.from(b!, 'base64url').toString());
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...claims, aud: 'someone-else' })).toString('base64url')}.${s}`;
    const res = await logout({ id_token_hint: tampered, post_logout_redirect_uri: RP_LOGGED_OUT })(f.app);
    expect(res.status).toBe(400);
    expect(res.headers.location).toBeUndefined();
    expect(f.logouts).toEqual([]);
  });

  it('never redirects to an address the app did not register for sign-out, or for an unnamed app', async () => {
    const f = await createOpenIdFixture();
    const { id_token } = await signIn(f);
    for (const query of [
      { id_token_hint: id_token, post_logout_redirect_uri: 'https://evil.example/' },
      { id_token_hint: id_token, post_logout_redirect_uri: f.rp.redirectUri },
      { post_logout_redirect_uri: RP_LOGGED_OUT },
      { client_id: 'other-client', id_token_hint: id_token },
    ]) {
      const res = await logout(query)(f.app);
      expect(res.status).toBe(400);
      expect(res.headers.location).toBeUndefined();
    }
    expect(f.logouts).toEqual([]);
  });

  it('nobody signed in: no logout hook, straight back to the app', async () => {
    const f = await createOpenIdFixture();
    const { id_token } = await signIn(f);
    const res = await logout({ id_token_hint: id_token, post_logout_redirect_uri: RP_LOGGED_OUT }, null)(f.app);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(RP_LOGGED_OUT);
    expect(f.logouts).toEqual([]);
  });

  it('without a redirect: a "signed out" page', async () => {
    const f = await createOpenIdFixture();
    const { id_token } = await signIn(f);
    const res = await logout({ id_token_hint: id_token })(f.app);
    expect(res.status).toBe(200);
    expect(res.text).toContain('You are signed out');
    expect(f.logouts).toEqual(['alice']);
  });
});
