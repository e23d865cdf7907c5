import { readFileSync } from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import request from 'supertest';
import { basic, createFixture, exchange, getCode, pkcePair, type Fixture } from '../support/provider-fixture';
import { expectOAuthError, expectUsable } from './backchannel-helpers';

/** Checklist group E (docs/security-checklist.md): client authentication at the token endpoint. */

function tokenRequest(f: Fixture) {
  return request(f.app).post('/oauth/token').type('form');
}

const codeBody = (f: Fixture, code: string) => ({ grant_type: 'authorization_code', code, redirect_uri: f.conf.redirectUri });

/** The code must still be redeemable by its owner: a failed authentication must not burn it. */
async function expectCodeNotConsumed(f: Fixture, code: string): Promise<void> {
  const ok = await exchange(f, f.conf, code);
  expect(ok.status).toBe(200);
  await expectUsable(f, ok.body.access_token);
}

describe('E. client authentication', () => {
  let f: Fixture;
  beforeEach(async () => { f = await createFixture(); });

  it('E1 refuses a wrong secret sent with HTTP Basic with a 401 Basic challenge and leaves the code redeemable', async () => {
    const code = await getCode(f, f.conf);
    const res = await tokenRequest(f).set('Authorization', basic(f.conf.id, 'wrong')).send(codeBody(f, code));
    expectOAuthError(res, 401, 'invalid_client');
    expect(res.headers['www-authenticate']).toBe('Basic realm="forum.example"');
    await expectCodeNotConsumed(f, code);
  });

  it('E2 refuses a wrong secret sent in the body with 401 invalid_client and leaves the code redeemable', async () => {
    const code = await getCode(f, f.conf);
    const res = await tokenRequest(f).send({ ...codeBody(f, code), client_id: f.conf.id, client_secret: 'wrong' });
    // Pinned: every invalid_client is a 401; no Basic challenge, since Basic was not tried.
    expectOAuthError(res, 401, 'invalid_client');
    expect(res.headers['www-authenticate']).toBeUndefined();
    await expectCodeNotConsumed(f, code);
  });

  it.each([
    ['HTTP Basic', (id: string) => ({ header: basic(id, 'some-secret'), body: {} })],
    ['the body', (id: string) => ({ header: null, body: { client_id: id, client_secret: 'some-secret' } })],
  ])('E3 answers an unknown client id exactly like a known client with a wrong secret (%s)', async (_name, credentials) => {
    const code = await getCode(f, f.conf);
    const send = (id: string) => {
      const { header, body } = credentials(id);
      const req = tokenRequest(f);
      if (header) req.set('Authorization', header);
      return req.send({ ...codeBody(f, code), ...body });
    };
    const unknown = await send('no-such-client');
    const known = await send(f.conf.id);
    // Status, body and headers only: timing is never asserted in tests (flaky by nature).
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual(known.body);
    const comparable = (h: Record<string, string>) => { const { date: _date, ...rest } = h; return rest; };
    expect(comparable(unknown.headers)).toEqual(comparable(known.headers));
  });

  it('E4 refuses HTTP Basic and a body secret in one request with 400 invalid_request', async () => {
    const code = await getCode(f, f.conf);
    const res = await tokenRequest(f).set('Authorization', basic(f.conf.id, f.conf.secret!))
      .send({ ...codeBody(f, code), client_id: f.conf.id, client_secret: f.conf.secret! });
    expectOAuthError(res, 400, 'invalid_request');
    await expectCodeNotConsumed(f, code);
  });

  it('E5 refuses client credentials in the query string and issues no token', async () => {
    const code = await getCode(f, f.conf);
    const query = new URLSearchParams({ client_id: f.conf.id, client_secret: f.conf.secret! }).toString();
    const res = await request(f.app).post(`/oauth/token?${query}`).type('form').send(codeBody(f, code));
    expectOAuthError(res, res.status === 401 ? 401 : 400, res.status === 401 ? 'invalid_client' : 'invalid_request');
    expect([400, 401]).toContain(res.status);
    await expectCodeNotConsumed(f, code);
  });

  it.each([
    ['Basic !!!', 'Basic !!!'],
    ['Basic with nothing after it', 'Basic'],
    ['Basic without a colon', `Basic ${Buffer.from('conf-without-colon').toString('base64')}`],
    ['a 20 KB Basic header', `Basic ${'A'.repeat(20 * 1024)}`],
  ])('E6 answers a malformed Authorization header (%s) with a 4xx and never a 5xx', async (_name, header) => {
    const code = await getCode(f, f.conf);
    const res = await tokenRequest(f).set('Authorization', header).send(codeBody(f, code)).catch((err: { response?: unknown }) => err.response);
    const status = (res as { status?: number } | undefined)?.status;
    if (status === 431) return; // Node refuses headers above 16 KB before the app sees them.
    expect(res).toBeDefined();
    const r = res as Parameters<typeof expectOAuthError>[0];
    expect([400, 401]).toContain(r.status);
    expectOAuthError(r, r.status, r.status === 401 ? 'invalid_client' : 'invalid_request');
    await expectCodeNotConsumed(f, code);
  });

  it.each([
    ['in the body', (f: Fixture) => ({ header: null, body: { client_id: f.pub.id, client_secret: 'anything' } })],
    ['with HTTP Basic', (f: Fixture) => ({ header: basic(f.pub.id, 'anything'), body: {} as Record<string, string> })],
  ])('E2 refuses a public client that presents a client_secret (%s) with 401 invalid_client, and its code stays redeemable', async (_name, credentials) => {
    const { verifier, challenge } = pkcePair();
    const code = await getCode(f, f.pub, { code_challenge: challenge, code_challenge_method: 'S256' });
    const { header, body } = credentials(f);
    const req = tokenRequest(f);
    if (header) req.set('Authorization', header);
    const res = await req.send({ grant_type: 'authorization_code', code, redirect_uri: f.pub.redirectUri, code_verifier: verifier, ...body });
    expectOAuthError(res, 401, 'invalid_client');
    expect(res.headers['www-authenticate']).toBe(header ? 'Basic realm="forum.example"' : undefined);
    // Without the secret, as a public client must, the same code is exchanged.
    const ok = await exchange(f, f.pub, code, { code_verifier: verifier });
    expect(ok.status).toBe(200);
  });

  it('E7 refuses a suspended client with correct credentials with 401 invalid_client', async () => {
    const code = await getCode(f, f.conf);
    await f.oauth.clients.suspend(f.conf.id);
    const res = await exchange(f, f.conf, code);
    expectOAuthError(res, 401, 'invalid_client');
    expect(res.headers['www-authenticate']).toBe('Basic realm="forum.example"');
  });

  it('E8 stores client secrets only as SHA-256 and compares them with timingSafeEqual', async () => {
    const stored = await f.clients.list();
    const dump = JSON.stringify(stored);
    for (const client of [f.conf, f.other]) {
      expect(dump).not.toContain(client.secret!);
      const record = stored.find((c) => c.id === client.id)!;
      expect(record.secretHash).toBe(crypto.createHash('sha256').update(client.secret!).digest('base64url'));
    }

    const spy = jest.spyOn(crypto, 'timingSafeEqual');
    try {
      const code = await getCode(f, f.conf);
      expect((await exchange(f, f.conf, code)).status).toBe(200);
      const digestCompares = spy.mock.calls.filter(([a, b]) => (a as Buffer).length === 32 && (b as Buffer).length === 32);
      expect(digestCompares.length).toBeGreaterThan(0);
    } finally {
      spy.mockRestore();
    }

    // A plain ===/!== between secrets or hashes would leak timing; only null checks are allowed.
    for (const file of ['src/client-auth.ts', 'src/crypto.ts', 'src/grants/authorization-code.ts', 'src/grants/refresh-token.ts', 'src/grants/library.ts']) {
      const source = readFileSync(path.join(__dirname, '../..', file), 'utf8');
      const offending = source.split('\n').filter((line) => /(secret|hash)\w*\s*[!=]==(?!\s*(null|undefined)\b)|[!=]==\s*[\w.]*(secret|hash)/i.test(line));
      expect({ file, offending }).toEqual({ file, offending: [] });
    }
  });
  describe('E9 HTTP Basic and a client_id in the body must name the same client', () => {
    it('E9 refuses Basic as one client with another client_id in the body with 400 invalid_request, and the code stays redeemable', async () => {
      const code = await getCode(f, f.conf);
      const res = await tokenRequest(f).set('Authorization', basic(f.conf.id, f.conf.secret!)).send({ ...codeBody(f, code), client_id: f.other.id });
      expectOAuthError(res, 400, 'invalid_request');
      expect(res.body.error_description).toBe('`client_id` does not match the authenticated client.');
      await expectCodeNotConsumed(f, code);
    });

    it('E9 accepts Basic with its own client_id repeated in the body', async () => {
      const code = await getCode(f, f.conf);
      const res = await tokenRequest(f).set('Authorization', basic(f.conf.id, f.conf.secret!)).send({ ...codeBody(f, code), client_id: f.conf.id });
      expect(res.status).toBe(200);
      await expectUsable(f, res.body.access_token);
    });
  });

  describe('E10 HTTP Basic credentials are read only when the whole header is well-formed', () => {
    const rawBasic = (encoded: string) => `Basic ${encoded}`;
    const encode = (decoded: string) => Buffer.from(decoded, 'utf8').toString('base64');

    it.each([
      // Node's base64 decoder skips characters outside the alphabet: the right credentials with junk
      // around them would authenticate if only part of the header were checked.
      ['junk before the base64', (id: string, secret: string) => rawBasic(`*${encode(`${id}:${secret}`)}`)],
      ['junk after the base64', (id: string, secret: string) => rawBasic(`${encode(`${id}:${secret}`)}*`)],
      ['an empty client id', (_id: string, secret: string) => rawBasic(encode(`:${secret}`))],
    ])('E10 refuses %s with 401 invalid_client and a Basic challenge, and leaves the code redeemable', async (_name, header) => {
      const code = await getCode(f, f.conf);
      const res = await tokenRequest(f).set('Authorization', header(f.conf.id, f.conf.secret!)).send(codeBody(f, code));
      expectOAuthError(res, 401, 'invalid_client');
      expect(res.body.error_description).toBe('Malformed HTTP Basic credentials.');
      expect(res.headers['www-authenticate']).toBe('Basic realm="forum.example"');
      await expectCodeNotConsumed(f, code);
    });
  });

  describe('IO-17 HTTP Basic credentials are form-urlencoded before base64 (RFC 6749 §2.3.1)', () => {
    /** Every character as %XX, the way a client that form-encodes everything would send it. */
    const percentAll = (value: string) => [...Buffer.from(value, 'utf8')].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
    const rawBasic = (decoded: string) => `Basic ${Buffer.from(decoded, 'utf8').toString('base64')}`;

    it('IO-17 decodes a percent-encoded client_id and secret in Basic: the exchange succeeds', async () => {
      const code = await getCode(f, f.conf);
      const res = await tokenRequest(f).set('Authorization', rawBasic(`${percentAll(f.conf.id)}:${percentAll(f.conf.secret!)}`)).send(codeBody(f, code));
      expect(res.status).toBe(200);
      expect(res.body.access_token).toEqual(expect.any(String));
      await expectUsable(f, res.body.access_token);
    });

    it('IO-17 reads "+" in Basic as a space, as form encoding writes one', async () => {
      // Ids we mint never hold a space; a client record copied in under such an id stands for an older site's client.
      const conf = (await f.clients.get(f.conf.id))!;
      await f.clients.create({ ...conf, id: 'legacy app' });
      const revoke = (auth: string) => request(f.app).post('/oauth/revoke').set('Authorization', auth).type('form').send({ token: 'unknown-token' });
      expect((await revoke(rawBasic(`legacy+app:${f.conf.secret!}`))).status).toBe(200);
      expect((await revoke(rawBasic(`legacy%20app:${f.conf.secret!}`))).status).toBe(200);
      // A literal "+" must be sent as %2B, so "legacy%2Bapp" names another (unknown) client.
      expectOAuthError(await revoke(rawBasic(`legacy%2Bapp:${f.conf.secret!}`)), 401, 'invalid_client');
    });

    it.each([
      ['an invalid percent sequence in the secret', (id: string, secret: string) => `${id}:${secret}%ZZ`],
      ['a truncated percent sequence in the secret', (id: string, secret: string) => `${id}:${secret}%E0%A4%A`],
      ['an invalid percent sequence in the client_id', (id: string, secret: string) => `${id}%G1:${secret}`],
    ])('IO-17 answers %s with 401 invalid_client and a Basic challenge, and leaves the code redeemable', async (_name, credentials) => {
      const code = await getCode(f, f.conf);
      const res = await tokenRequest(f).set('Authorization', rawBasic(credentials(f.conf.id, f.conf.secret!))).send(codeBody(f, code));
      expectOAuthError(res, 401, 'invalid_client');
      expect(res.body.error_description).toBe('Malformed HTTP Basic credentials.');
      expect(res.headers['www-authenticate']).toBe('Basic realm="forum.example"');
      await expectCodeNotConsumed(f, code);
    });
  });
});
