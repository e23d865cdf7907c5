import request from 'supertest';
import {
  authorizeQuery, basic, callApi, CONF_REDIRECT, createFixture, exchange, getCode, pkcePair, PUB_REDIRECT, type Fixture, type TestClient,
} from '../support/provider-fixture';
import { authorizeAs, count, countedFixture, eventCount, expectJsonError, expectRedirectError } from './front-channel';

async function codeWithPkce(f: Fixture, client: TestClient) {
  const pkce = pkcePair();
  const code = await getCode(f, client, { code_challenge: pkce.challenge, code_challenge_method: 'S256' });
  return { code, verifier: pkce.verifier };
}

describe('D. PKCE', () => {
  describe('D1 a challenge is required from public clients (and from all clients under requirePkce: all)', () => {
    it('D1 sends a public client without code_challenge back with invalid_request', async () => {
      const f = await countedFixture();
      const res = await authorizeAs(f, authorizeQuery(f.pub));
      const params = expectRedirectError(res, PUB_REDIRECT, 'invalid_request');
      expect(params.get('error_description')).toContain('code_challenge');
      expect(count(f.calls, 'saveAuthorizationRequest')).toBe(0);
    });

    it('D1 requires it from a confidential client when the site sets requirePkce: all, and not by default', async () => {
      const strict = await createFixture({ requirePkce: 'all' });
      const params = expectRedirectError(await authorizeAs(strict, authorizeQuery(strict.conf)), CONF_REDIRECT, 'invalid_request');
      expect(params.get('error_description')).toContain('code_challenge');
      // Decision 1: optional for confidential clients by default.
      const relaxed = await createFixture();
      expect((await authorizeAs(relaxed, authorizeQuery(relaxed.conf))).status).toBe(200);
    });
  });

  it('D2 refuses the plain method', async () => {
    const f = await createFixture();
    const { verifier } = pkcePair();
    for (const client of [f.pub, f.conf]) {
      const res = await authorizeAs(f, authorizeQuery(client, { code_challenge: verifier, code_challenge_method: 'plain' }));
      expectRedirectError(res, client.redirectUri, 'invalid_request');
    }
  });

  it('D3 refuses an unknown method, and a challenge without a method (which RFC 7636 reads as plain)', async () => {
    const f = await createFixture();
    const { challenge } = pkcePair();
    for (const method of ['S512', undefined]) {
      const res = await authorizeAs(f, authorizeQuery(f.pub, { code_challenge: challenge, code_challenge_method: method }));
      expectRedirectError(res, PUB_REDIRECT, 'invalid_request');
    }
  });

  describe('D4 refuses a malformed challenge', () => {
    const valid = pkcePair().challenge;
    it.each([
      ['42 characters', valid.slice(0, 42)],
      ['44 characters', `${valid}A`],
      ['a +', `+${valid.slice(1)}`],
      ['a /', `/${valid.slice(1)}`],
      ['a trailing =', `${valid.slice(0, 42)}=`],
      ['an empty value', ''],
    ])('D4 refuses a challenge of %s', async (_label, challenge) => {
      const f = await countedFixture();
      // `conf` may omit PKCE, so this is the syntax check itself, not the public-client rule.
      const res = await authorizeAs(f, authorizeQuery(f.conf, { code_challenge: challenge, code_challenge_method: 'S256' }));
      expectRedirectError(res, CONF_REDIRECT, 'invalid_request');
      expect(count(f.calls, 'saveAuthorizationRequest')).toBe(0);
    });
  });

  it('D5 refuses a code without its verifier, and the failed attempt consumes it', async () => {
    const f = await createFixture();
    const { code, verifier } = await codeWithPkce(f, f.pub);
    expectJsonError(await exchange(f, f.pub, code), 400, 'invalid_grant');
    expectJsonError(await exchange(f, f.pub, code, { code_verifier: verifier }), 400, 'invalid_grant');
    expect(eventCount(f, 'token.issued')).toBe(0);
  });

  it('D6 refuses a wrong verifier, after which the right one fails too', async () => {
    const f = await createFixture();
    const { code, verifier } = await codeWithPkce(f, f.pub);
    expectJsonError(await exchange(f, f.pub, code, { code_verifier: pkcePair().verifier }), 400, 'invalid_grant');
    expectJsonError(await exchange(f, f.pub, code, { code_verifier: verifier }), 400, 'invalid_grant');
    expect(eventCount(f, 'token.issued')).toBe(0);
  });

  describe('D7 refuses a verifier outside the RFC 7636 syntax', () => {
    it.each([
      ['42 characters', 'a'.repeat(42)],
      ['129 characters', 'a'.repeat(129)],
      ['a +', `${'a'.repeat(42)}+`],
      ['non-ASCII characters', 'é'.repeat(43)],
    ])('D7 refuses a verifier of %s with invalid_request and no token', async (_label, verifier) => {
      const f = await createFixture();
      const { code } = await codeWithPkce(f, f.pub);
      const res = await exchange(f, f.pub, code, { code_verifier: verifier });
      expectJsonError(res, 400, 'invalid_request');
      expect(res.body.access_token).toBeUndefined();
      expect(eventCount(f, 'token.issued')).toBe(0);
    });
  });

  it('D8 refuses a verifier for a code issued without a challenge (downgrade) with invalid_grant', async () => {
    // requirePkce 'public' (the default) lets `conf` obtain a code without a challenge.
    const f = await createFixture();
    const code = await getCode(f, f.conf);
    const res = await exchange(f, f.conf, code, { code_verifier: pkcePair().verifier });
    // Pinned: invalid_grant (the library's answer; OAuth 2.1 would prefer invalid_request).
    expectJsonError(res, 400, 'invalid_grant');
    expect(eventCount(f, 'token.issued')).toBe(0);
  });

  it('D10 refuses a used PKCE code replayed without a verifier with invalid_grant, and leaves the first tokens alone', async () => {
    const f = await createFixture();
    const { code, verifier } = await codeWithPkce(f, f.conf);
    const first = await exchange(f, f.conf, code, { code_verifier: verifier });
    expect(first.status).toBe(200);
    // Only a replay that proves the verifier revokes what the first redemption issued (decision 5).
    expectJsonError(await exchange(f, f.conf, code), 400, 'invalid_grant');
    expect(eventCount(f, 'code.reused')).toBe(0);
    expect((await callApi(f, first.body.access_token)).status).toBe(200);
  });

  it('D9 does not let the verifier replace a confidential client\'s secret, and leaves the code intact', async () => {
    const f = await createFixture();
    const { code, verifier } = await codeWithPkce(f, f.conf);
    const withoutSecret = await request(f.app).post('/oauth/token').type('form').send({
      grant_type: 'authorization_code', code, redirect_uri: f.conf.redirectUri, code_verifier: verifier, client_id: f.conf.id,
    });
    expectJsonError(withoutSecret, 401, 'invalid_client');
    expect(withoutSecret.body.access_token).toBeUndefined();

    const withSecret = await request(f.app).post('/oauth/token').set('Authorization', basic(f.conf.id, f.conf.secret!)).type('form').send({
      grant_type: 'authorization_code', code, redirect_uri: f.conf.redirectUri, code_verifier: verifier,
    });
    expect(withSecret.status).toBe(200);
  });
});
