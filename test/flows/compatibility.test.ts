import request from 'supertest';
import { asUser, authorizeQuery, callApi, consent, createFixture, exchange, getCode, ISSUER, refresh } from '../support/provider-fixture';

describe('compatibility options (each off by default)', () => {
  it('refuses response_type=token unless implicitGrant is on', async () => {
    const f = await createFixture();
    const res = await request(f.app).get(`/oauth/authorize?${authorizeQuery(f.conf, { response_type: 'token' })}`).set('Cookie', asUser());
    expect(new URL(res.headers.location!).searchParams.get('error')).toBe('unsupported_response_type');
  });

  it.each(['fragment', 'query'] as const)('redirects with an access token in the %s when implicitGrant is on', async (where) => {
    const f = await createFixture({ compat: { implicitGrant: where } });
    await f.oauth.clients.setPermissions(f.conf.id, { allowImplicit: true });
    const res = await consent(f, authorizeQuery(f.conf, { response_type: 'token' }));
    expect(res.status).toBe(303);
    const location = new URL(res.headers.location!);
    const params = new URLSearchParams(where === 'query' ? location.search : location.hash.slice(1));
    expect(params.get('state')).toBe('st123');
    expect(params.get('token_type')).toBe('Bearer');
    expect(params.get('iss')).toBe(ISSUER);
    expect(params.get('refresh_token')).toBeNull();
    expect((await callApi(f, params.get('access_token')!)).status).toBe(200);
  });

  it('takes an authorization request without response_type as code only with defaultResponseTypeCode', async () => {
    const strict = await createFixture();
    const refused = await request(strict.app).get(`/oauth/authorize?${authorizeQuery(strict.conf, { response_type: undefined })}`).set('Cookie', asUser());
    expect(new URL(refused.headers.location!).searchParams.get('error')).toBe('invalid_request');
    const lenient = await createFixture({ compat: { defaultResponseTypeCode: true } });
    expect(await getCode(lenient, lenient.conf, { response_type: undefined })).toMatch(/\./);
  });

  it('accepts grand_type, and a refresh token sent as code (guide 003), only with grandType', async () => {
    const f = await createFixture({ compat: { grandType: true } });
    const code = await getCode(f, f.conf, { redirect_uri: undefined });
    const bearer = `Bearer ${f.conf.secret}`;
    const token = await request(f.app).post('/oauth/token').set('Authorization', bearer)
      .send({ code, grand_type: 'authorization_code', client_id: f.conf.id });
    expect(token.status).toBe(200);
    const refreshed = await request(f.app).post('/oauth/token').set('Authorization', bearer)
      .send({ code: token.body.refresh_token, grand_type: 'refresh_token', client_id: f.conf.id });
    expect(refreshed.status).toBe(200);

    const strict = await createFixture();
    const code2 = await getCode(strict, strict.conf, { redirect_uri: undefined });
    const refused = await request(strict.app).post('/oauth/token').set('Authorization', `Bearer ${strict.conf.secret}`)
      .send({ code: code2, grand_type: 'authorization_code', client_id: strict.conf.id });
    expect(refused.body.error).toBe('invalid_request');
  });

  it('lets a confidential client keep its refresh token only with refreshWithoutRotation', async () => {
    const f = await createFixture({ compat: { refreshWithoutRotation: true } });
    const code = await getCode(f, f.conf);
    const first = await request(f.app).post('/oauth/token').type('form')
      .send({ grant_type: 'authorization_code', code, redirect_uri: f.conf.redirectUri, client_id: f.conf.id, client_secret: f.conf.secret! });
    const again = await refresh(f, f.conf, first.body.refresh_token);
    const andAgain = await refresh(f, f.conf, first.body.refresh_token);
    expect([again.status, andAgain.status]).toEqual([200, 200]);
    // Echoed, so that a library that keeps only the last response still has it.
    expect(again.body.refresh_token).toBe(first.body.refresh_token);
    expect(andAgain.body.refresh_token).toBe(first.body.refresh_token);
  });

  it('lets an authenticated confidential client leave out redirect_uri only with optionalRedirectUriAtToken', async () => {
    const withOption = await createFixture({ compat: { optionalRedirectUriAtToken: true } });
    const code = await getCode(withOption, withOption.conf);
    const ok = await request(withOption.app).post('/oauth/token').type('form')
      .send({ grant_type: 'authorization_code', code, client_id: withOption.conf.id, client_secret: withOption.conf.secret! });
    expect(ok.status).toBe(200);
    const strict = await createFixture();
    const code2 = await getCode(strict, strict.conf);
    const refused = await request(strict.app).post('/oauth/token').type('form')
      .send({ grant_type: 'authorization_code', code: code2, client_id: strict.conf.id, client_secret: strict.conf.secret! });
    expect(refused.body.error).toBe('invalid_grant');
  });

  describe("refreshTokens: 'when-permanent' (guide 000: the refresh token \"is omitted in temporary authorizations\")", () => {
    const pinExchange = async (f: Awaited<ReturnType<typeof createFixture>>, permanent: string | undefined) => {
      const query = new URLSearchParams({ client_id: f.conf.id, response_type: 'pin', scope: 'read', ...(permanent ? { permanent } : {}) });
      const shown = await consent(f, query.toString());
      const pin = /id="pin"[^>]*>([^<]+)</.exec(shown.text)![1]!;
      const res = await request(f.app).post('/oauth/token').type('form')
        .send({ client_id: f.conf.id, client_secret: f.conf.secret!, grant_type: 'pin', pin });
      expect(res.status).toBe(200);
      return res.body as { access_token: string; refresh_token?: string };
    };
    const codeExchange = async (f: Awaited<ReturnType<typeof createFixture>>, permanent: string | undefined) => {
      const res = await exchange(f, f.conf, await getCode(f, f.conf, { permanent }));
      expect(res.status).toBe(200);
      return res.body as { access_token: string; refresh_token?: string };
    };

    it.each([['code', codeExchange], ['PIN', pinExchange]] as const)('%s flow: permanent=true gets a refresh token that works; without it (or =false) none', async (_flow, run) => {
      const f = await createFixture({ refreshTokens: 'when-permanent' });
      const permanent = await run(f, 'true');
      expect(permanent.refresh_token).toEqual(expect.any(String));
      const refreshed = await refresh(f, f.conf, permanent.refresh_token!);
      expect(refreshed.status).toBe(200);
      // The grant stays permanent: the rotated refresh token comes with the new access token.
      expect(refreshed.body.refresh_token).toEqual(expect.any(String));

      const temporary = await run(f, undefined);
      expect(temporary.refresh_token).toBeUndefined();
      expect((await callApi(f, temporary.access_token)).status).toBe(200);
      expect((await run(f, 'false')).refresh_token).toBeUndefined();
    });

    it.each([['code', codeExchange], ['PIN', pinExchange]] as const)("%s flow: under the default 'always' a request without permanent gets one too", async (_flow, run) => {
      const f = await createFixture();
      expect((await run(f, undefined)).refresh_token).toEqual(expect.any(String));
    });
  });
});
