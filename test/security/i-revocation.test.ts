import request from 'supertest';
import { basic, createFixture, refresh, tokensFor, type Fixture } from '../support/provider-fixture';
import { expectDead, expectOAuthError, expectUsable } from './backchannel-helpers';

/** Checklist group I (docs/security-checklist.md): the revocation endpoint (RFC 7009). */

describe('I. revocation', () => {
  let f: Fixture;
  beforeEach(async () => { f = await createFixture(); });

  const revoke = (auth: string | null, body: Record<string, string>) => {
    const req = request(f.app).post('/oauth/revoke').type('form');
    if (auth) req.set('Authorization', auth);
    return req.send(body);
  };
  const asConf = () => basic(f.conf.id, f.conf.secret!);

  it('I1 revokes an access token with 200 and an empty JSON object (client libraries parse the body)', async () => {
    const t = await tokensFor(f);
    const res = await revoke(asConf(), { token: t.access_token });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual({});
    expect(res.headers['cache-control']).toBe('no-store');
    await expectDead(f, t.access_token);
  });

  it('I2 revokes a refresh token together with the access tokens of its grant', async () => {
    const t = await tokensFor(f);
    const res = await revoke(asConf(), { token: t.refresh_token!, token_type_hint: 'refresh_token' });
    expect(res.status).toBe(200);
    expectOAuthError(await refresh(f, f.conf, t.refresh_token!), 400, 'invalid_grant');
    await expectDead(f, t.access_token);
  });

  it.each([['access_token'], ['foo']])('I3 revokes a refresh token whatever the hint says (%s)', async (hint) => {
    const t = await tokensFor(f);
    const res = await revoke(asConf(), { token: t.refresh_token!, token_type_hint: hint });
    expect(res.status).toBe(200);
    expectOAuthError(await refresh(f, f.conf, t.refresh_token!), 400, 'invalid_grant');
    await expectDead(f, t.access_token);
  });

  it.each([
    ['garbage', 'garbage'],
    ['a well-formed token nobody issued', `${'A'.repeat(22)}.${'B'.repeat(43)}`],
  ])('I4 answers 200 for an unknown token (%s)', async (_name, value) => {
    const t = await tokensFor(f);
    const res = await revoke(asConf(), { token: value });
    expect(res.status).toBe(200);
    await expectUsable(f, t.access_token);
  });

  it.each([['access token', 'access_token'], ['refresh token', 'refresh_token']] as const)(
    "I5 refuses to revoke another client's %s and changes nothing",
    async (_name, which) => {
      const t = await tokensFor(f);
      const res = await revoke(basic(f.other.id, f.other.secret!), { token: t[which]! });
      expectOAuthError(res, 400, 'invalid_request');
      await expectUsable(f, t.access_token);
      expect((await refresh(f, f.conf, t.refresh_token!)).status).toBe(200);
    },
  );

  it('I6 refuses a revocation without valid client authentication and revokes nothing', async () => {
    const t = await tokensFor(f);
    const none = await revoke(null, { token: t.access_token });
    expectOAuthError(none, 401, 'invalid_client');
    expect(none.headers['www-authenticate']).toBeUndefined();

    const wrong = await revoke(basic(f.conf.id, 'wrong'), { token: t.access_token });
    expectOAuthError(wrong, 401, 'invalid_client');
    expect(wrong.headers['www-authenticate']).toBe('Basic realm="forum.example"');

    const inQuery = await request(f.app).post(`/oauth/revoke?client_id=${encodeURIComponent(f.conf.id)}`).type('form').send({ token: t.access_token });
    expectOAuthError(inQuery, 401, 'invalid_client');

    await expectUsable(f, t.access_token);
  });

  it('I7 refuses GET and JSON bodies at the revocation endpoint and revokes nothing', async () => {
    const t = await tokensFor(f);
    const get = await request(f.app).get(`/oauth/revoke?token=${encodeURIComponent(t.access_token)}`).set('Authorization', asConf());
    expectOAuthError(get, 405, 'invalid_request');
    expect(get.headers.allow).toBe('POST');

    const json = await request(f.app).post('/oauth/revoke').set('Authorization', asConf()).send({ token: t.access_token });
    expectOAuthError(json, 400, 'invalid_request');

    await expectUsable(f, t.access_token);
  });
});
