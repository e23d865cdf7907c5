import request from 'supertest';
import { basic, createFixture, exchange, getCode, type Fixture } from '../support/provider-fixture';
import { expectOAuthError, expectUsable } from './backchannel-helpers';

/** Checklist group G (docs/security-checklist.md): protocol hygiene of the token endpoint (RFC 6749 §3.2, §5). */

describe('G. token endpoint hygiene', () => {
  let f: Fixture;
  beforeEach(async () => { f = await createFixture(); });

  const token = () => request(f.app).post('/oauth/token').type('form');
  const confAuth = () => basic(f.conf.id, f.conf.secret!);

  it.each([
    ['an unknown code', 400, 'invalid_grant', (f: Fixture) => token().set('Authorization', basic(f.conf.id, f.conf.secret!)).send({ grant_type: 'authorization_code', code: 'AAAA' })],
    ['a wrong secret', 401, 'invalid_client', (f: Fixture) => token().set('Authorization', basic(f.conf.id, 'nope')).send({ grant_type: 'authorization_code', code: 'AAAA' })],
    ['an unsupported grant type', 400, 'unsupported_grant_type', (f: Fixture) => token().set('Authorization', basic(f.conf.id, f.conf.secret!)).send({ grant_type: 'password' })],
    ['a missing refresh token', 400, 'invalid_request', (f: Fixture) => token().set('Authorization', basic(f.conf.id, f.conf.secret!)).send({ grant_type: 'refresh_token' })],
    ['a GET', 405, 'invalid_request', (f: Fixture) => request(f.app).get('/oauth/token')],
  ])('G1 marks an error response (%s) as not cacheable JSON', async (_name, status, error, send) => {
    expectOAuthError(await send(f), status as number, error as string);
  });

  it('G2 refuses GET at the token endpoint with 405, Allow: POST and no token', async () => {
    const code = await getCode(f, f.conf);
    const query = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: f.conf.redirectUri }).toString();
    const res = await request(f.app).get(`/oauth/token?${query}`).set('Authorization', confAuth());
    expectOAuthError(res, 405, 'invalid_request');
    expect(res.headers.allow).toBe('POST');
    // The GET did not touch the code.
    expect((await exchange(f, f.conf, code)).status).toBe(200);
  });

  it.each([
    ['password', { grant_type: 'password', username: 'alice', password: 'hunter2' }],
    ['an extension URN', { grant_type: 'urn:x:custom' }],
    // Names every object inherits: once answered 503 (an inherited method taken for a grant).
    ['toString', { grant_type: 'toString', refresh_token: 'x' }],
    ['constructor', { grant_type: 'constructor' }],
    ['__proto__', { grant_type: '__proto__' }],
  ])('G3 refuses grant types outside the allow-list (%s) with unsupported_grant_type', async (_name, body) => {
    const res = await token().set('Authorization', confAuth()).send(body);
    expectOAuthError(res, 400, 'unsupported_grant_type');
  });

  it('G4 refuses a request without grant_type with 400 invalid_request', async () => {
    const code = await getCode(f, f.conf);
    const res = await token().set('Authorization', confAuth()).send({ code, redirect_uri: f.conf.redirectUri });
    expectOAuthError(res, 400, 'invalid_request');
    expect(res.body.error_description).toContain('grant_type');
  });

  it('G5 ignores unknown parameters', async () => {
    const code = await getCode(f, f.conf);
    const res = await exchange(f, f.conf, code, { foo: 'bar' });
    expect(res.status).toBe(200);
    await expectUsable(f, res.body.access_token);
  });
});
