import request from 'supertest';
import { asUser, authorizeQuery, consent, createFixture, type Fixture, type TestClient } from '../support/provider-fixture';

/**
 * `compat.implicitGrant` only says how an implicit token travels (fragment or query); which
 * clients may ask for one is each client's `allowImplicit`, set by the site's admin.
 */
async function askForToken(f: Fixture, client: TestClient) {
  const res = await request(f.app).get(`/oauth/authorize?${authorizeQuery(client, { response_type: 'token' })}`).set('Cookie', asUser());
  return { status: res.status, error: res.headers.location ? new URL(res.headers.location).searchParams.get('error') : null };
}

describe('response_type=token is per client', () => {
  it('refuses a client without allowImplicit with unauthorized_client, although the site turned the option on', async () => {
    const f = await createFixture({ compat: { implicitGrant: 'query' } });
    expect(await askForToken(f, f.conf)).toEqual({ status: 302, error: 'unauthorized_client' });
    expect(await f.tokens.listGrants({ clientId: f.conf.id })).toEqual([]);
  });

  it('serves the client the admin allowed, and refuses it again once the switch is off', async () => {
    const f = await createFixture({ compat: { implicitGrant: 'query' } });
    await f.oauth.clients.setPermissions(f.conf.id, { allowImplicit: true });
    const res = await consent(f, authorizeQuery(f.conf, { response_type: 'token' }));
    expect(new URL(res.headers.location!).searchParams.get('access_token')).toEqual(expect.any(String));
    // Another client of the same site is still refused.
    expect(await askForToken(f, f.other)).toEqual({ status: 302, error: 'unauthorized_client' });

    await f.oauth.clients.setPermissions(f.conf.id, { allowImplicit: false });
    expect(await askForToken(f, f.conf)).toEqual({ status: 302, error: 'unauthorized_client' });
  });

  it('refuses a public client even when its record says allowImplicit (written past the service)', async () => {
    const f = await createFixture({ compat: { implicitGrant: 'fragment' } });
    await f.clients.update(f.pub.id, { allowImplicit: true });
    expect(await askForToken(f, f.pub)).toEqual({ status: 302, error: 'unauthorized_client' });
  });

  it('is unsupported_response_type for every client when the site has the option off', async () => {
    const f = await createFixture();
    await f.oauth.clients.setPermissions(f.conf.id, { allowImplicit: true });
    expect(await askForToken(f, f.conf)).toEqual({ status: 302, error: 'unsupported_response_type' });
  });
});
