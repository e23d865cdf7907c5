/** RFC 8707 beyond the code flow: client_credentials, the device flow, prompt=none's consent reuse, and the token cache. */
import { describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { createOpenIdFixture, exchangeCode as exchangeOidcCode, oidcQuery, session, signIn } from '../support/openid-fixture';
import { pkcePair } from '../support/provider-fixture';
import { DEVICE_GRANT, answer, deviceFor } from '../support/device-flow';
import { API, FILES, bearer, codeFor, exchangeCode, resourceFixture, resourceParams, tokenRequest } from './fixture';

describe('client_credentials', () => {
  it('binds the token to the resources of the token request', async () => {
    const f = await resourceFixture();
    await f.oauth.clients.setPermissions(f.conf.id, { allowClientCredentials: true });
    const bound = await tokenRequest(f, f.conf, { grant_type: 'client_credentials', scope: 'read' }, [FILES]);
    expect(bound.status).toBe(200);
    expect((await bearer(f, bound.body.access_token, '/files/read')).status).toBe(200);
    expect((await bearer(f, bound.body.access_token, '/api/v2/read')).status).toBe(401);
    const unknown = await tokenRequest(f, f.conf, { grant_type: 'client_credentials', scope: 'read' }, ['https://elsewhere.example/']);
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toBe('invalid_target');
  });
});

describe('device flow', () => {
  it('binds the tokens to the resources named when the device asks for them, and refresh keeps them', async () => {
    const f = await resourceFixture();
    const device = await deviceFor(f, f.conf);
    expect((await answer(f, device.user_code, 'approve')).status).toBe(200);
    const tokens = await tokenRequest(f, f.conf, { grant_type: DEVICE_GRANT, device_code: device.device_code }, [API]);
    expect(tokens.status).toBe(200);
    expect((await bearer(f, tokens.body.access_token, '/api/v2/read')).status).toBe(200);
    expect((await bearer(f, tokens.body.access_token, '/files/read')).status).toBe(401);
    const refreshed = await tokenRequest(f, f.conf, { grant_type: 'refresh_token', refresh_token: tokens.body.refresh_token }, [FILES]);
    expect(refreshed.body.error).toBe('invalid_target');
  });
});

describe('pin', () => {
  it('carries the resources of the authorization request to the PIN\'s tokens', async () => {
    const f = await resourceFixture();
    const query = new URLSearchParams({ response_type: 'pin', client_id: f.conf.id, redirect_uri: f.conf.redirectUri, scope: 'read' }).toString();
    const page = await request(f.app).get(`/oauth/authorize?${query}${resourceParams(API)}`).set('Cookie', 'user=alice');
    const fields = Object.fromEntries([...page.text.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1], m[2]]));
    const shown = await request(f.app).post('/oauth/authorize').set('Cookie', 'user=alice').set('Origin', 'https://forum.example').type('form')
      .send({ ...fields, decision: 'approve' });
    const pin = /class="pin"[^>]*>([^<]+)</.exec(shown.text)?.[1]?.trim();
    expect(pin).toBeDefined();
    expect((await tokenRequest(f, f.conf, { grant_type: 'pin', pin: pin! }, [FILES])).body.error).toBe('invalid_target');
    const tokens = await tokenRequest(f, f.conf, { grant_type: 'pin', pin: pin! });
    expect(tokens.status).toBe(200);
    expect((await bearer(f, tokens.body.access_token, '/api/v2/read')).body.oauth.audience).toEqual([API]);
  });
});

describe('prompt=none and earlier consent', () => {
  const silent = async (f: Awaited<ReturnType<typeof createOpenIdFixture>>, resources: string[]) => {
    const res = await request(f.app).get(`/oauth/authorize?${oidcQuery(f.rp, { prompt: 'none' })}${resourceParams(...resources)}`).set('Cookie', session());
    const location = new URL(res.headers.location!);
    return location.searchParams.get('error') ?? (location.searchParams.get('code') ? 'code' : 'nothing');
  };
  const resources = [{ identifier: API }, { identifier: FILES }];

  it('consent bound to a resource covers a silent request for it, not for another one or for none', async () => {
    const f = await createOpenIdFixture({ resources });
    await signIn(f, { resource: API });
    expect(await silent(f, [API])).toBe('code');
    expect(await silent(f, [FILES])).toBe('consent_required');
    expect(await silent(f, [API, FILES])).toBe('consent_required');
    expect(await silent(f, [])).toBe('consent_required');
  });

  it('consent bound to no resource covers a silent request for any', async () => {
    const f = await createOpenIdFixture({ resources });
    await signIn(f);
    expect(await silent(f, [API, FILES])).toBe('code');
    expect(await silent(f, [])).toBe('code');
  });

  it('the silent code carries the resources asked for to its token', async () => {
    const f = await createOpenIdFixture({ resources });
    await signIn(f, { resource: API });
    const pkce = pkcePair();
    const res = await request(f.app).get(`/oauth/authorize?${oidcQuery(f.rp, { prompt: 'none' }, pkce)}${resourceParams(API)}`).set('Cookie', session());
    const tokens = await exchangeOidcCode(f, new URL(res.headers.location!).searchParams.get('code')!, pkce.verifier);
    const introspection = await request(f.app).post('/oauth/introspect').auth(f.rp.id, f.rp.secret!).type('form').send({ token: tokens.access_token });
    expect(introspection.body).toMatchObject({ active: true, aud: API });
  });
});

describe('the token cache', () => {
  it('a cached token bound to one resource is still refused at another', async () => {
    const f = await resourceFixture({ tokenCache: { ttlSeconds: 60 } });
    const tokens = await exchangeCode(f, f.conf, await codeFor(f, f.conf, [API]));
    for (let i = 0; i < 2; i += 1) {
      expect((await bearer(f, tokens.body.access_token, '/api/v2/read')).status).toBe(200);
      expect((await bearer(f, tokens.body.access_token, '/files/read')).status).toBe(401);
    }
  });
});
