import { randomBytes } from 'node:crypto';
import express from 'express';
import request from 'supertest';
import type { Response } from 'supertest';
import { basic, callApi, createFixture, type Fixture, tokensFor } from '../support/provider-fixture';

const REALM = 'Bearer realm="forum.example"';

afterEach(() => {
  jest.restoreAllMocks();
});

function expectChallenge(res: Response, status: number, error: string | null) {
  expect(res.status).toBe(status);
  const header = res.headers['www-authenticate'] as string;
  expect(header.startsWith(REALM)).toBe(true);
  if (error) expect(header).toContain(`error="${error}"`);
  else expect(header).not.toContain('error=');
  expect(res.body.ok).toBeUndefined();
}

/** Routes of a host app that parses form bodies before requireScope, as many sites do globally. */
function withBodyParsingRoutes(f: Fixture): Fixture {
  const form = express.urlencoded({ extended: false });
  const ok: express.RequestHandler = (_req, res) => { res.json({ ok: true }); };
  f.app.get('/api/form-read', form, f.oauth.requireScope('read'), ok);
  f.app.post('/api/form-read', form, f.oauth.requireScope('read'), ok);
  return f;
}

describe('H. protected resources: requireScope (RFC 6750)', () => {
  it('H1 answers a request without credentials with 401 and a Bearer challenge without error', async () => {
    const f = await createFixture();
    expectChallenge(await request(f.app).get('/api/read'), 401, null);
  });

  describe('H2 answers a malformed Authorization header with 400 invalid_request', () => {
    it.each([
      ['an empty Bearer', () => 'Bearer'],
      ['two tokens', () => 'Bearer a b'],
      ['a token followed by ,junk', (token: string) => `Bearer ${token},junk`],
      ['another scheme', () => 'Basic xxx'],
      ['a scheme that only ends in Bearer', (token: string) => `XBearer ${token}`],
    ])('H2 refuses %s', async (_label, header) => {
      const f = await createFixture();
      const { access_token: token } = await tokensFor(f);
      const res = await request(f.app).get('/api/read').set('Authorization', header(token));
      expectChallenge(res, 400, 'invalid_request');
    });
  });

  describe('H3 answers an invalid, expired or revoked token with 401 invalid_token', () => {
    it('H3 refuses a random token', async () => {
      const f = await createFixture();
      const random = `${randomBytes(16).toString('base64url')}.${randomBytes(32).toString('base64url')}`;
      expectChallenge(await callApi(f, random), 401, 'invalid_token');
    });

    it('H3 refuses an access token once its lifetime has passed (fake clock)', async () => {
      const f = await createFixture({ lifetimes: { accessToken: 2 } });
      const start = Date.now();
      const { access_token: token } = await tokensFor(f);
      const clock = jest.spyOn(Date, 'now');
      clock.mockReturnValue(start + 1_000);
      expect((await callApi(f, token)).status).toBe(200);
      clock.mockReturnValue(start + 3_000);
      expectChallenge(await callApi(f, token), 401, 'invalid_token');
    });

    it('H3 refuses a revoked access token', async () => {
      const f = await createFixture();
      const { access_token: token } = await tokensFor(f);
      expect((await callApi(f, token)).status).toBe(200);
      const revoked = await request(f.app).post('/oauth/revoke').set('Authorization', basic(f.conf.id, f.conf.secret!)).type('form').send({ token });
      expect(revoked.status).toBe(200);
      expectChallenge(await callApi(f, token), 401, 'invalid_token');
    });
  });

  it('H4 answers a token without the needed scope with 403 insufficient_scope naming the scope', async () => {
    const f = await createFixture();
    const { access_token: token } = await tokensFor(f);
    const res = await callApi(f, token, '/api/write');
    expectChallenge(res, 403, 'insufficient_scope');
    expect(res.headers['www-authenticate']).toContain('scope="write"');
  });

  it('H5 refuses a valid token in the query string with 400 invalid_request and does not serve the request', async () => {
    const f = await createFixture();
    const { access_token: token } = await tokensFor(f);
    const res = await request(f.app).get(`/api/read?access_token=${encodeURIComponent(token)}`);
    expectChallenge(res, 400, 'invalid_request');
  });

  describe('H6 refuses a token in a GET body, and two transports at once', () => {
    it('H6 refuses a form-body token on GET with 400 invalid_request', async () => {
      const f = withBodyParsingRoutes(await createFixture());
      const { access_token: token } = await tokensFor(f);
      const res = await request(f.app).get('/api/form-read').type('form').send({ access_token: token });
      expectChallenge(res, 400, 'invalid_request');
    });

    it('H6 refuses a header token plus a body token on POST with 400 invalid_request', async () => {
      const f = withBodyParsingRoutes(await createFixture());
      const { access_token: token } = await tokensFor(f);
      const res = await request(f.app).post('/api/form-read').set('Authorization', `Bearer ${token}`).type('form').send({ access_token: token });
      expectChallenge(res, 400, 'invalid_request');
    });

    it('H6 never serves a body token on a route whose host app does not parse bodies', async () => {
      // requireScope cannot read an unparsed body; the token there is simply not a credential.
      const f = await createFixture();
      const { access_token: token } = await tokensFor(f);
      const res = await request(f.app).get('/api/read').type('form').send({ access_token: token });
      expectChallenge(res, 401, null);
    });
  });

  it('H7 accepts the Bearer scheme in any letter case', async () => {
    const f = await createFixture();
    const { access_token: token } = await tokensFor(f);
    for (const scheme of ['bearer', 'BEARER', 'bEaReR']) {
      const res = await request(f.app).get('/api/read').set('Authorization', `${scheme} ${token}`);
      expect(res.status).toBe(200);
      expect(res.body.ok).toBe(true);
    }
  });

  it('H7 accepts more than one space after the scheme (RFC 6750 §2.1: "Bearer" 1*SP b64token)', async () => {
    const f = await createFixture();
    const { access_token: token } = await tokensFor(f);
    expect((await request(f.app).get('/api/read').set('Authorization', `Bearer   ${token}`)).status).toBe(200);
  });

  it('H8 marks responses to bearer-authenticated requests as not cacheable by shared caches', async () => {
    const f = await createFixture();
    const { access_token: token } = await tokensFor(f);
    const res = await callApi(f, token);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toMatch(/no-store|private/);
  });
});
