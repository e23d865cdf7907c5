/** An ID token of ours is a valid hint however long the user's claims make it (up to 8192 characters). */
import request from 'supertest';
import { ISSUER } from '../support/provider-fixture';
import { createOpenIdFixture, oidcQuery, RP_LOGGED_OUT, session, signIn, USERS } from '../support/openid-fixture';

it('an ID token longer than 2048 characters works as id_token_hint at /authorize and /logout', async () => {
  const f = await createOpenIdFixture({}, { claims: (id) => ({ ...USERS[id], name: 'A'.repeat(1500) }) });
  const { id_token } = await signIn(f);
  expect(id_token.length).toBeGreaterThan(2048);
  expect((await request(f.app).get(`/oauth/authorize?${oidcQuery(f.rp, { id_token_hint: id_token })}`).set('Cookie', session())).status).toBe(200);
  const out = await request(f.app).get(`/oauth/logout?${new URLSearchParams({ id_token_hint: id_token, post_logout_redirect_uri: RP_LOGGED_OUT })}`).set('Cookie', session());
  expect(out.status).toBe(303);
  expect(out.headers.location).toBe(RP_LOGGED_OUT);
  // Other parameters keep the 2048-character cap.
  const long = await request(f.app).get(`/oauth/authorize?${oidcQuery(f.rp, { login_hint: 'x'.repeat(2049) })}`).set('Cookie', session());
  expect(new URL(long.headers.location!, ISSUER).searchParams.get('error')).toBe('invalid_request');
});
