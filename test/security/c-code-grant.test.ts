import request from 'supertest';
import { ConfigurationError } from '../../src/errors';
import { parseGrantSecret } from '../../src/crypto';
import {
  basic, callApi, createFixture, exchange, getCode, pkcePair, refresh, type Fixture,
} from '../support/provider-fixture';
import { count, countedFixture, eventCount, expectJsonError, TOKEN_SHAPE } from './front-channel';

afterEach(() => {
  jest.restoreAllMocks();
});

/** A `conf` code bound to a PKCE challenge, as the checklist's usual authorization request carries one. */
async function confCodeWithPkce(f: Fixture) {
  const pkce = pkcePair();
  const code = await getCode(f, f.conf, { code_challenge: pkce.challenge, code_challenge_method: 'S256' });
  return { code, verifier: pkce.verifier };
}

async function expectTokenDead(f: Fixture, accessToken: string) {
  const res = await callApi(f, accessToken);
  expect(res.status).toBe(401);
  expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
}

describe('C. the authorization code grant', () => {
  it('C1 answers a valid exchange with a no-store JSON Bearer token, a refresh token and the granted scope', async () => {
    const f = await createFixture();
    const { code, verifier } = await confCodeWithPkce(f);
    const res = await exchange(f, f.conf, code, { code_verifier: verifier });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers.pragma).toBe('no-cache');
    expect(res.body.token_type.toLowerCase()).toBe('bearer');
    expect(res.body.expires_in).toBeGreaterThan(0);
    expect(res.body.expires_in).toBeLessThanOrEqual(3600);
    expect(res.body.scope).toBe('read');
    expect(res.body.access_token).toMatch(TOKEN_SHAPE);
    expect(res.body.refresh_token).toMatch(TOKEN_SHAPE);
    expect((await callApi(f, res.body.access_token)).status).toBe(200);
  });

  it('C2 refuses a second redemption by the owning client and revokes what the first one issued', async () => {
    const f = await createFixture();
    const { code, verifier } = await confCodeWithPkce(f);
    const first = await exchange(f, f.conf, code, { code_verifier: verifier });
    expect(first.status).toBe(200);
    expect((await callApi(f, first.body.access_token)).status).toBe(200);

    const replay = await exchange(f, f.conf, code, { code_verifier: verifier });
    expectJsonError(replay, 400, 'invalid_grant');
    await expectTokenDead(f, first.body.access_token);
    expectJsonError(await refresh(f, f.conf, first.body.refresh_token), 400, 'invalid_grant');
    expect(eventCount(f, 'code.reused')).toBe(1);
  });

  describe('C3 an invalid replay fails without revoking the tokens of the first redemption', () => {
    it.each([
      ['a wrong code_verifier', 400, 'invalid_grant'],
      ['client_id=pub and no secret', 400, 'invalid_grant'],
      ['a wrong client secret', 401, 'invalid_client'],
    ] as const)('C3 ignores a replay with %s', async (variant, status, error) => {
      const f = await createFixture();
      const { code, verifier } = await confCodeWithPkce(f);
      const first = await exchange(f, f.conf, code, { code_verifier: verifier });
      expect(first.status).toBe(200);

      let replay;
      if (variant === 'a wrong code_verifier') {
        replay = await exchange(f, f.conf, code, { code_verifier: pkcePair().verifier });
      } else if (variant === 'client_id=pub and no secret') {
        replay = await exchange(f, f.pub, code, { code_verifier: verifier, redirect_uri: f.conf.redirectUri });
      } else {
        replay = await request(f.app).post('/oauth/token').set('Authorization', basic(f.conf.id, 'wrong')).type('form')
          .send({ grant_type: 'authorization_code', code, redirect_uri: f.conf.redirectUri, code_verifier: verifier });
      }
      expectJsonError(replay, status, error);
      expect((await callApi(f, first.body.access_token)).status).toBe(200);
      expect(eventCount(f, 'code.reused')).toBe(0);
    });
  });

  it('C4 refuses a code to another client and leaves it redeemable by its own', async () => {
    const f = await createFixture();
    const code = await getCode(f, f.conf);
    const stolen = await exchange(f, f.other, code, { redirect_uri: f.conf.redirectUri });
    expectJsonError(stolen, 400, 'invalid_grant');
    expect(eventCount(f, 'token.issued')).toBe(0);
    // The client-binding check runs before the code is consumed (C4 in docs/security-checklist.md: pinned).
    expect((await exchange(f, f.conf, code)).status).toBe(200);
  });

  describe('C5 binds the code to the redirect_uri of the authorization request', () => {
    it.each([
      ['another registered-looking URI', 'https://client.example/cb2'],
      ['no redirect_uri at all', ''],
    ])('C5 answers %s with invalid_grant and burns the code', async (_label, redirectUri) => {
      const f = await createFixture();
      const code = await getCode(f, f.conf);
      expectJsonError(await exchange(f, f.conf, code, { redirect_uri: redirectUri }), 400, 'invalid_grant');
      expectJsonError(await exchange(f, f.conf, code), 400, 'invalid_grant');
      expect(eventCount(f, 'token.issued')).toBe(0);
    });

    it('C5 refuses a redirect_uri in the query string of the token POST without touching the code', async () => {
      const f = await createFixture();
      const code = await getCode(f, f.conf);
      const res = await request(f.app).post(`/oauth/token?redirect_uri=${encodeURIComponent(f.conf.redirectUri)}`)
        .set('Authorization', basic(f.conf.id, f.conf.secret!)).type('form')
        .send({ grant_type: 'authorization_code', code });
      expectJsonError(res, 400, 'invalid_request');
      expect((await exchange(f, f.conf, code)).status).toBe(200);
    });
  });

  describe('C6 code lifetime', () => {
    it('C6 refuses a code once its configured lifetime has passed (fake clock)', async () => {
      const f = await createFixture({ lifetimes: { authorizationCode: 2 } });
      const start = Date.now();
      const early = await getCode(f, f.conf);
      const late = await getCode(f, f.conf);
      const clock = jest.spyOn(Date, 'now');

      clock.mockReturnValue(start + 1_000);
      expect((await exchange(f, f.conf, early)).status).toBe(200);
      clock.mockReturnValue(start + 3_000);
      expectJsonError(await exchange(f, f.conf, late), 400, 'invalid_grant');
    });

    it('C6 gives codes 300 s by default, 90 s with a personal scope, and refuses a lifetime over 600 s', async () => {
      const f = await createFixture();
      const lifetimeOf = async (code: string) => {
        const parsed = parseGrantSecret(code)!;
        const found = await f.tokens.findCode(parsed.grantId, parsed.hash);
        return (found!.record.expiresAt.getTime() - Date.now()) / 1000;
      };
      const normal = await lifetimeOf(await getCode(f, f.conf));
      expect(normal).toBeGreaterThan(295);
      expect(normal).toBeLessThanOrEqual(300);
      const personal = await lifetimeOf(await getCode(f, f.conf, { scope: 'read identity' }));
      expect(personal).toBeGreaterThan(85);
      expect(personal).toBeLessThanOrEqual(90);
      await expect(createFixture({ lifetimes: { authorizationCode: 601 } })).rejects.toBeInstanceOf(ConfigurationError);
    });
  });

  it('C7 issues unique codes and tokens of 256 random bits in the <22>.<43> base64url shape', async () => {
    const f = await createFixture();
    const seen = new Set<string>();
    const RUNS = 50;
    for (let i = 0; i < RUNS; i += 1) {
      const code = await getCode(f, f.conf);
      const res = await exchange(f, f.conf, code);
      expect(res.status).toBe(200);
      for (const value of [code, res.body.access_token, res.body.refresh_token]) {
        expect(value).toMatch(TOKEN_SHAPE);
        seen.add(value);
        // The part after the dot is the secret: 43 base64url characters = 256 bits.
        expect(Buffer.from(value.split('.')[1], 'base64url')).toHaveLength(32);
      }
    }
    expect(seen.size).toBe(RUNS * 3);
  });

  describe('C8 forged or garbage codes', () => {
    it.each([
      ['an empty code', '', 400, 'invalid_request'],
      ['an unknown code', 'AAAA', 400, 'invalid_grant'],
      ['a well-shaped but unknown code', `${'A'.repeat(22)}.${'B'.repeat(43)}`, 400, 'invalid_grant'],
      ['a 3 KB code', 'A'.repeat(3 * 1024), 400, 'invalid_request'],
      // The whole body is over the token endpoint's 10 KB limit (N1), so the parser refuses it.
      ['a 10 KB code', 'A'.repeat(10 * 1024), 413, 'invalid_request'],
      ['a code with NUL', 'AAAA\u0000AAAA', 400, 'invalid_request'],
      // RFC 6749 Appendix A: code = 1*VSCHAR and VSCHAR includes %x20, so a space is legal
      // syntax; such a code is simply unknown (pinned: invalid_grant).
      ['a code with a space', 'AAAA AAAA', 400, 'invalid_grant'],
    ] as const)('C8 answers %s without a 5xx and with at most one store read', async (_label, code, status, error) => {
      const f = await countedFixture();
      const res = await exchange(f, f.conf, code);
      expectJsonError(res, status, error);
      expect(count(f.calls, 'findCode')).toBeLessThanOrEqual(1);
      expect(count(f.calls, 'consumeCode')).toBe(0);
      expect(count(f.calls, 'saveTokens')).toBe(0);
    });
  });
});
