import request from 'supertest';
import { consent, authorizeQuery, createFixture, ISSUER } from '../support/provider-fixture';

/** SECURITY.md §4 P: RFC 8414 metadata. */

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
});
