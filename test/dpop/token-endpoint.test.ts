/** RFC 9449 at the token endpoint: proofs checked before the grant, tokens bound to the proof's key. */
import request from 'supertest';
import { memoryClientStore, memoryTokenStore } from '../../adapters/memory';
import { createOAuthProvider } from '../../src';
import { ConfigurationError } from '../../src/errors';
import { asUser, authorizeQuery, basic, callApi, createFixture, exchange, getCode, ISSUER, pkcePair, refresh } from '../support/provider-fixture';
import { callWith, dpopFixture, dpopKey, exchangeWithProof, proof, thumbprint } from './support';

const introspect = (f: Awaited<ReturnType<typeof dpopFixture>>, token: string) => request(f.app).post('/oauth/introspect').type('form')
  .set('Authorization', basic(f.conf.id, f.conf.secret!)).send({ token });

describe('DPoP at the token endpoint', () => {
  it('binds the access token to the proof\'s key: token_type DPoP, introspection cnf.jkt', async () => {
    const f = await dpopFixture();
    const key = await dpopKey();
    const { res } = await exchangeWithProof(f, f.conf, await proof(key));
    expect(res.status).toBe(200);
    expect(res.body.token_type).toBe('DPoP');
    expect((await introspect(f, res.body.access_token)).body).toMatchObject({ active: true, token_type: 'DPoP', cnf: { jkt: await thumbprint(key) } });
    // A confidential client's refresh token is held by its secret, not bound.
    const body = (await introspect(f, res.body.refresh_token)).body;
    expect(body.active).toBe(true);
    expect(body).not.toHaveProperty('cnf');
  });

  it('without a proof the tokens stay bearer tokens, as before', async () => {
    const f = await dpopFixture();
    const { res } = await exchangeWithProof(f, f.conf, null);
    expect(res.body.token_type).toBe('Bearer');
    expect((await introspect(f, res.body.access_token)).body).not.toHaveProperty('cnf');
    expect((await callApi(f, res.body.access_token)).status).toBe(200);
  });

  it.each([
    ['for another URL', { htu: `${ISSUER}/oauth/revoke` }],
    ['for another method', { htm: 'GET' }],
    ['made ten minutes ago', { iat: Math.floor(Date.now() / 1000) - 600 }],
    ['for another host', { htu: 'https://evil.example/oauth/token' }],
  ])('refuses a proof %s with invalid_dpop_proof and uses nothing up', async (_what, fields) => {
    const f = await dpopFixture();
    const key = await dpopKey();
    const { res, code, verifier } = await exchangeWithProof(f, f.conf, await proof(key, fields));
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_dpop_proof');
    // The code was not spent on the refused request.
    const retry = await exchange(f, f.conf, code, { code_verifier: verifier });
    expect(retry.status).toBe(200);
  });

  it('refuses a proof used twice, and a malformed DPoP header', async () => {
    const f = await dpopFixture();
    const key = await dpopKey();
    const once = await proof(key);
    expect((await exchangeWithProof(f, f.conf, once)).res.status).toBe(200);
    const replay = (await exchangeWithProof(f, f.conf, once)).res;
    expect(replay.status).toBe(400);
    expect(replay.body).toEqual({ error: 'invalid_dpop_proof', error_description: expect.stringContaining('used before') });
    expect((await exchangeWithProof(f, f.conf, 'not.a.proof')).res.body.error).toBe('invalid_dpop_proof');
  });

  it('binds a public client\'s refresh token: only a proof of the same key refreshes, and a wrong try costs nothing', async () => {
    const f = await dpopFixture();
    const key = await dpopKey();
    const { res } = await exchangeWithProof(f, f.pub, await proof(key));
    expect(res.body.token_type).toBe('DPoP');
    const bare = await refresh(f, f.pub, res.body.refresh_token);
    expect(bare.status).toBe(400);
    expect(bare.body.error).toBe('invalid_grant');
    const other = await refresh(f, f.pub, res.body.refresh_token).set('DPoP', await proof(await dpopKey()));
    expect(other.body.error).toBe('invalid_grant');
    const right = await request(f.app).post('/oauth/token').type('form').set('DPoP', await proof(key))
      .send({ grant_type: 'refresh_token', refresh_token: res.body.refresh_token, client_id: f.pub.id });
    expect(right.status).toBe(200);
    expect(right.body.token_type).toBe('DPoP');
  });

  it('required for public clients: a public client without a proof is refused, a confidential one is not', async () => {
    const f = await dpopFixture({ required: 'public' });
    const pub = await exchangeWithProof(f, f.pub, null);
    expect(pub.res.status).toBe(400);
    expect(pub.res.body.error).toBe('invalid_dpop_proof');
    expect((await exchangeWithProof(f, f.conf, null)).res.status).toBe(200);
  });

  it('required for listed clients and for all', async () => {
    const listed = await dpopFixture({ required: [] });
    expect((await exchangeWithProof(listed, listed.conf, null)).res.status).toBe(200);
    const all = await dpopFixture({ required: 'all' });
    expect((await exchangeWithProof(all, all.conf, null)).res.body.error).toBe('invalid_dpop_proof');
  });

  it('with server nonces: use_dpop_nonce and a DPoP-Nonce header first, then the proof with the nonce works', async () => {
    const f = await dpopFixture({ nonces: { secret: 'a-dpop-nonce-secret-of-32-chars!!' } });
    const key = await dpopKey();
    const first = await exchangeWithProof(f, f.conf, await proof(key));
    expect(first.res.status).toBe(400);
    expect(first.res.body.error).toBe('use_dpop_nonce');
    const nonce = first.res.headers['dpop-nonce'] as string;
    expect(nonce).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const second = await exchange(f, f.conf, first.code, { code_verifier: first.verifier }).set('DPoP', await proof(key, { nonce }));
    expect(second.status).toBe(200);
    expect(second.body.token_type).toBe('DPoP');
  });

  it('a client_credentials token is bound too', async () => {
    const f = await dpopFixture();
    await f.oauth.clients.setPermissions(f.conf.id, { allowClientCredentials: true });
    const key = await dpopKey();
    const res = await request(f.app).post('/oauth/token').type('form').set('Authorization', basic(f.conf.id, f.conf.secret!))
      .set('DPoP', await proof(key)).send({ grant_type: 'client_credentials', scope: 'read' });
    expect(res.status).toBe(200);
    expect(res.body.token_type).toBe('DPoP');
    expect((await callWith(f, 'Bearer', res.body.access_token, null)).status).toBe(401);
  });

  it('metadata lists the proof algorithms; without the option it does not', async () => {
    const f = await dpopFixture();
    const doc = (await request(f.app).get('/.well-known/oauth-authorization-server')).body;
    expect(doc.dpop_signing_alg_values_supported).toEqual(['ES256', 'ES384', 'PS256', 'RS256', 'EdDSA']);
    const plain = await createFixture();
    expect((await request(plain.app).get('/.well-known/oauth-authorization-server')).body).not.toHaveProperty('dpop_signing_alg_values_supported');
  });

  it('start-up refuses a token store without useDpopProof', () => {
    const { useDpopProof: _dropped, ...store } = memoryTokenStore() as Required<ReturnType<typeof memoryTokenStore>>;
    expect(() => createOAuthProvider({
      issuer: ISSUER, scopes: { read: 'Read' }, store: { clients: memoryClientStore(), tokens: store },
      currentUser: () => null, loginUrl: () => '/login', dpop: {},
    })).toThrow(ConfigurationError);
  });

  it('a store that cannot remember the proof gives 503, and the code is still good', async () => {
    const tokens = memoryTokenStore();
    tokens.useDpopProof = async () => { throw new Error('store down'); };
    const f = await dpopFixture({}, tokens);
    const { res, code, verifier } = await exchangeWithProof(f, f.conf, await proof(await dpopKey()));
    expect(res.status).toBe(503);
    expect((await exchange(f, f.conf, code, { code_verifier: verifier })).status).toBe(200);
  });

  it('dpop_jkt at /authorize binds the code: only a proof of that key redeems it, and a wrong try does not burn it', async () => {
    const f = await dpopFixture();
    const key = await dpopKey();
    const pkce = pkcePair();
    const code = await getCode(f, f.pub, { code_challenge: pkce.challenge, code_challenge_method: 'S256', dpop_jkt: await thumbprint(key) });
    const redeem = (dpop: string | null) => {
      const req = request(f.app).post('/oauth/token').type('form');
      if (dpop) req.set('DPoP', dpop);
      return req.send({ grant_type: 'authorization_code', code, redirect_uri: f.pub.redirectUri, code_verifier: pkce.verifier, client_id: f.pub.id });
    };
    expect((await redeem(null)).body.error).toBe('invalid_grant');
    expect((await redeem(await proof(await dpopKey()))).body.error).toBe('invalid_grant');
    const right = await redeem(await proof(key));
    expect(right.status).toBe(200);
    expect(right.body.token_type).toBe('DPoP');
  });

  it('a malformed dpop_jkt is an invalid_request error redirect', async () => {
    const f = await dpopFixture();
    const res = await request(f.app).get(`/oauth/authorize?${authorizeQuery(f.conf, { dpop_jkt: 'short' })}`).set('Cookie', asUser());
    const location = new URL(res.headers.location!);
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('error_description')).toContain('dpop_jkt');
  });
});
