import request from 'supertest';
import { asUser, consent, authorizeQuery, createFixture, ISSUER } from '../support/provider-fixture';

/** Checklist group P (docs/security-checklist.md): RFC 8414 metadata. */

describe('P. metadata', () => {
  it('P1 publishes metadata that matches what the provider does', async () => {
    const f = await createFixture();
    const res = await request(f.app).get('/.well-known/oauth-authorization-server');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const m = res.body as Record<string, unknown>;

    // The issuer is the `iss` the authorization responses carry (RFC 9207).
    const approved = await consent(f, authorizeQuery(f.conf));
    const iss = new URL(approved.headers.location!).searchParams.get('iss');
    expect(m.issuer).toBe(iss);
    expect(m.issuer).toBe(ISSUER);

    expect(m.code_challenge_methods_supported).toEqual(['S256']);
    expect(m.grant_types_supported).toEqual(expect.arrayContaining(['authorization_code', 'refresh_token']));
    expect(m.grant_types_supported).not.toContain('password');
    expect(m.grant_types_supported).not.toContain('implicit');
    expect(m.response_types_supported).toEqual(['code']);
    expect(m.revocation_endpoint).toBe(`${ISSUER}/oauth/revoke`);
    expect(m.token_endpoint).toBe(`${ISSUER}/oauth/token`);
    expect(m.authorization_endpoint).toBe(`${ISSUER}/oauth/authorize`);
    expect(m.token_endpoint_auth_methods_supported).toEqual(expect.arrayContaining(['client_secret_basic', 'client_secret_post', 'none']));
    expect(m.authorization_response_iss_parameter_supported).toBe(true);
  });

  it('lists the response types and grants the site enabled, and only those (RFC 8414 §2)', async () => {
    const strict = (await request((await createFixture()).app).get('/.well-known/oauth-authorization-server')).body;
    expect(strict.response_types_supported).toEqual(['code']);
    expect(strict.response_modes_supported).toEqual(['query']);
    // The PIN grant (guide 004), the device grant and client_credentials (to the clients allowed it) are served by default, so they are listed.
    expect(strict.grant_types_supported).toEqual([
      'authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code', 'pin', 'client_credentials',
    ]);

    for (const mode of ['query', 'fragment'] as const) {
      const f = await createFixture({ compat: { implicitGrant: mode } });
      const m = (await request(f.app).get('/.well-known/oauth-authorization-server')).body;
      expect(m.response_types_supported).toEqual(['code', 'token']);
      expect(m.grant_types_supported).toEqual([...strict.grant_types_supported, 'implicit']);
      expect(m.response_modes_supported).toEqual(mode === 'fragment' ? ['query', 'fragment'] : ['query']);
      // What it lists works: response_type=token reaches the consent page (for a client allowed to use it).
      await f.oauth.clients.setPermissions(f.conf.id, { allowImplicit: true });
      const page = await request(f.app).get(`/oauth/authorize?${authorizeQuery(f.conf, { response_type: 'token' })}`).set('Cookie', asUser());
      expect(page.status).toBe(200);
    }
  });
});
