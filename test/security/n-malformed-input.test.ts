import fc from 'fast-check';
import request from 'supertest';
import { memoryClientStore, memoryTokenStore } from '../../adapters/memory';
import {
  asUser, authorizeQuery, basic, createFixture, exchange, getCode, ISSUER, type Fixture,
} from '../support/provider-fixture';
import type { TokenStore } from '../../src/storage/token-store';
import type { ClientStore } from '../../src/storage/client-store';
import { expectOAuthError, LEAK, listen, rawRequest } from './backchannel-helpers';

/** Checklist group N (docs/security-checklist.md): malformed input never reaches the library or a store in a shape it does not expect. */

const FORM = 'application/x-www-form-urlencoded';

describe('N. malformed input', () => {
  let f: Fixture;
  beforeEach(async () => { f = await createFixture(); });

  const confAuth = () => basic(f.conf.id, f.conf.secret!);
  const rawToken = (body: string, auth: string | null = confAuth(), path = '/oauth/token') => {
    const req = request(f.app).post(path).set('Content-Type', FORM);
    if (auth) req.set('Authorization', auth);
    return req.send(body);
  };

  it.each([['/oauth/token'], ['/oauth/revoke']])('N1 refuses a 1 MB body at %s with 413 and keeps serving', async (path) => {
    const res = await rawToken(`grant_type=authorization_code&token=x&code=${'a'.repeat(1024 * 1024)}`, confAuth(), path);
    expectOAuthError(res, 413, 'invalid_request');
    const code = await getCode(f, f.conf);
    expect((await exchange(f, f.conf, code)).status).toBe(200);
  });

  describe('N2 too many parameters', () => {
    // Distinct two-character names (unknown parameters are otherwise ignored, G5), so that only
    // the count is wrong: each body stays under the 10 KB size limit of N1.
    const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
    const padding = (n: number) => Array.from({ length: n }, (_, i) => `${ALNUM[Math.floor(i / ALNUM.length)]}${ALNUM[i % ALNUM.length]}=1`).join('&');

    it.each([[60], [2000]])('N2 refuses a valid code exchange carrying %i parameters (under 10 KB) with 413 invalid_request, and the code stays redeemable', async (count) => {
      const code = await getCode(f, f.conf);
      const valid = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: f.conf.redirectUri }).toString();
      const body = `${valid}&${padding(count - 3)}`;
      expect(body.split('&')).toHaveLength(count);
      expect(Buffer.byteLength(body)).toBeLessThan(10 * 1024);
      // Status and error only: the event-loop stall is a benchmark matter, not a unit-test assertion.
      expectOAuthError(await rawToken(body), 413, 'invalid_request');
      expect((await exchange(f, f.conf, code)).status).toBe(200);
    });
  });

  it('N3 accepts only form and JSON bodies at the token endpoint', async () => {
    const server = await listen(f.app);
    try {
      // Pinned by choice (dialect 003 in docs/client-dialects.md): JSON bodies are a supported client encoding.
      const jsonCode = await getCode(f, f.conf);
      const json = await request(f.app).post('/oauth/token').set('Authorization', confAuth())
        .send({ grant_type: 'authorization_code', code: jsonCode, redirect_uri: f.conf.redirectUri });
      expect(json.status).toBe(200);

      const code = await getCode(f, f.conf);
      const form = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: f.conf.redirectUri }).toString();
      const plain = await request(f.app).post('/oauth/token').set('Authorization', confAuth()).set('Content-Type', 'text/plain').send(form);
      expectOAuthError(plain, 400, 'invalid_request');

      const untyped = await rawRequest(server.port, 'POST', '/oauth/token', { Authorization: confAuth(), 'Content-Length': String(form.length) }, form);
      expect(untyped.status).toBe(400);
      expect(JSON.parse(untyped.text).error).toBe('invalid_request');
      expect(untyped.headers['cache-control']).toBe('no-store');

      // Neither refused request consumed the code.
      expect((await exchange(f, f.conf, code)).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it.each([
    ['a truncated percent escape in code', Buffer.from('grant_type=authorization_code&code=%E0%A4%A')],
    ['an invalid escape beside the code', Buffer.from('grant_type=authorization_code&code=AAAA&state=%ZZ')],
    ['invalid UTF-8 bytes', Buffer.concat([Buffer.from('grant_type=authorization_code&code='), Buffer.from([0xff, 0xfe, 0xc3])])],
  ])('N4 answers broken encoding (%s) with a 400, never a 5xx', async (_name, body) => {
    const res = await rawToken(body as unknown as string);
    expectOAuthError(res, 400, ['invalid_request', 'invalid_grant']);
  });

  it.each([
    ['a truncated percent escape', '%E0%A4%A'],
    ['invalid UTF-8', '%FF%FE'],
  ])('N4 redirects a state with %s to the registered URI with invalid_request, without echoing it', async (_name, state) => {
    // client_id and redirect_uri are valid, so the error goes to the client (RFC 6749 §4.1.2.1);
    // the state decodes to U+FFFD, not visible ASCII, so it is not echoed.
    const res = await request(f.app).get(`/oauth/authorize?${authorizeQuery(f.conf)}`.replace('state=st123', `state=${state}`)).set('Cookie', asUser());
    expect(res.status).toBe(302);
    const location = new URL(res.headers.location!);
    expect(`${location.origin}${location.pathname}`).toBe(f.conf.redirectUri);
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('code')).toBeNull();
    expect(location.searchParams.getAll('state')).toEqual([]);
    expect(location.searchParams.get('iss')).toBe(ISSUER);
    expect(JSON.stringify(res.headers)).not.toMatch(/\\r|\\n/);
  });

  it('N4 redirects state=%ZZ and a cut or invalid UTF-8 escape to the registered URI with invalid_request, echoing no state', async () => {
    for (const broken of ['state=%ZZ', 'state=%E0%A4%A', 'scope=%FF']) {
      const query = `${authorizeQuery(f.conf)}&${broken}`.replace(broken.startsWith('state') ? 'state=st123&' : 'scope=read&', '');
      const res = await request(f.app).get(`/oauth/authorize?${query}`).set('Cookie', asUser());
      expect({ broken, status: res.status }).toEqual({ broken, status: 302 });
      const location = new URL(res.headers.location!);
      expect(`${location.origin}${location.pathname}`).toBe(f.conf.redirectUri);
      expect(location.searchParams.get('error')).toBe('invalid_request');
      expect(location.searchParams.get('state')).toBe(broken.startsWith('state') ? null : 'st123');
    }
  });

  it('N4 shows an error page, and redirects nowhere, for a broken escape in client_id or redirect_uri', async () => {
    for (const broken of ['client_id=%ZZ', 'redirect_uri=https%3A%2F%2Fclient.example%2Fcb%E0']) {
      const name = broken.slice(0, broken.indexOf('='));
      const query = authorizeQuery(f.conf).split('&').filter((p) => !p.startsWith(`${name}=`)).concat(broken).join('&');
      const res = await request(f.app).get(`/oauth/authorize?${query}`).set('Cookie', asUser());
      expect(res.status).toBe(400);
      expect(res.headers.location).toBeUndefined();
      expect(res.text).toContain(`${name} is not correctly encoded`);
    }
  });

  describe('N5 duplicated token parameters', () => {
    /** Every argument any store method receives, to show that no array ever reaches a store. */
    let seen: unknown[];
    beforeEach(async () => {
      seen = [];
      const spy = <T extends object>(store: T): T => {
        const wrapped: Record<string, unknown> = {};
        for (const [name, method] of Object.entries(store)) {
          wrapped[name] = (...args: unknown[]) => { seen.push(...args); return (method as (...a: unknown[]) => unknown).apply(store, args); };
        }
        return wrapped as T;
      };
      f = await createFixture({}, { clients: spy<ClientStore>(memoryClientStore()), tokens: spy<TokenStore>(memoryTokenStore()) });
    });

    it.each([
      ['code', (c: string, f: Fixture) => ({ auth: true, body: `grant_type=authorization_code&code=${c}&code=B&redirect_uri=${encodeURIComponent(f.conf.redirectUri)}` })],
      ['client_id', (c: string, f: Fixture) => ({ auth: false, body: `grant_type=authorization_code&code=${c}&client_id=${f.conf.id}&client_id=${f.other.id}&client_secret=${f.conf.secret}&redirect_uri=${encodeURIComponent(f.conf.redirectUri)}` })],
      ['redirect_uri', (c: string, f: Fixture) => ({ auth: true, body: `grant_type=authorization_code&code=${c}&redirect_uri=${encodeURIComponent(f.conf.redirectUri)}&redirect_uri=https%3A%2F%2Fevil.example%2Fcb` })],
      ['code_verifier', (c: string, f: Fixture) => ({ auth: true, body: `grant_type=authorization_code&code=${c}&redirect_uri=${encodeURIComponent(f.conf.redirectUri)}&code_verifier=${'V'.repeat(43)}&code_verifier=${'V'.repeat(43)}` })],
    ])('N5 refuses a repeated %s with 400 invalid_request naming it, before any store sees it', async (name, build) => {
      const code = await getCode(f, f.conf);
      seen = [];
      const { auth, body } = build(code, f);
      const res = await rawToken(body, auth ? confAuth() : null);
      expectOAuthError(res, 400, 'invalid_request');
      expect(res.body.error_description).toContain(name);
      expect(seen.filter((arg) => Array.isArray(arg))).toEqual([]);
      expect((await exchange(f, f.conf, code)).status).toBe(200);
    });
  });

  it('N5 refuses `scope` and `scopes` together (one parameter given twice) with 400 invalid_request, and the code stays redeemable', async () => {
    const code = await getCode(f, f.conf);
    const both = `grant_type=authorization_code&code=${code}&redirect_uri=${encodeURIComponent(f.conf.redirectUri)}&scope=read&scopes=read`;
    const res = await rawToken(both);
    expectOAuthError(res, 400, 'invalid_request');
    expect(res.body.error_description).toContain('scopes');
    expect((await exchange(f, f.conf, code)).status).toBe(200);
  });

  describe('N6 duplicated authorization parameters', () => {
    const authorize = (query: string) => request(f.app).get(`/oauth/authorize?${query}`).set('Cookie', asUser());

    it.each([
      ['client_id', (f: Fixture) => `${authorizeQuery(f.conf)}&client_id=${f.other.id}`],
      ['redirect_uri', (f: Fixture) => `${authorizeQuery(f.conf)}&redirect_uri=${encodeURIComponent(f.conf.redirectUri)}`],
    ])('N6 shows the error page for a repeated %s', async (_name, query) => {
      const res = await authorize(query(f));
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.headers.location).toBeUndefined();
    });

    it.each([
      ['scope', 'scope=write', 'st123'],
      ['state', 'state=b', null],
      ['scope (as `scopes`)', 'scopes=read', 'st123'],
    ])('N6 redirects a repeated %s to the registered URI with invalid_request', async (_name, extra, state) => {
      const res = await authorize(`${authorizeQuery(f.conf)}&${extra}`);
      expect(res.status).toBe(302);
      const location = new URL(res.headers.location!);
      expect(`${location.origin}${location.pathname}`).toBe(f.conf.redirectUri);
      expect(location.searchParams.get('error')).toBe('invalid_request');
      expect(location.searchParams.get('code')).toBeNull();
      expect(location.searchParams.getAll('state')).toEqual(state === null ? [] : [state]);
    });
  });

  it.each([
    ['redirect_uri', (f: Fixture, code: string) => ({ query: `redirect_uri=${encodeURIComponent(f.conf.redirectUri)}`, body: { grant_type: 'authorization_code', code, redirect_uri: f.conf.redirectUri } })],
    ['code', (f: Fixture, code: string) => ({ query: `code=${encodeURIComponent(code)}`, body: { grant_type: 'authorization_code', redirect_uri: f.conf.redirectUri } as Record<string, string> })],
  ])('N7 refuses a token parameter (%s) in the query string', async (_name, build) => {
    const code = await getCode(f, f.conf);
    const { query, body } = build(f, code);
    const res = await request(f.app).post(`/oauth/token?${query}`).set('Authorization', confAuth()).type('form').send(body);
    expectOAuthError(res, 400, 'invalid_request');
    expect((await exchange(f, f.conf, code)).status).toBe(200);
  });

  describe.each([['the default query parser', false], ["a host app with 'query parser: extended'", true]])('N8 with %s', (_name, extended) => {
    beforeEach(() => { if (extended) f.app.set('query parser', 'extended'); });

    it.each([
      ['client_id[x]', (f: Fixture) => `grant_type=authorization_code&code=AAAA&client_id[x]=${f.conf.id}&client_secret=${f.conf.secret}`, false],
      ['code[]', () => 'grant_type=authorization_code&code[]=A', true],
      ['code[x]', () => 'grant_type=authorization_code&code[x]=A', true],
      ['scope[0]', () => 'grant_type=refresh_token&refresh_token=AAAA&scope[0]=read', true],
    ])('N8 refuses bracket syntax %s in a token body with 400 invalid_request', async (_n, body, auth) => {
      const res = await rawToken(body(f), auth ? confAuth() : null);
      expectOAuthError(res, 400, 'invalid_request');
    });

    it('N8 refuses bracket syntax beside an otherwise valid code exchange, and the code stays redeemable', async () => {
      const code = await getCode(f, f.conf);
      const res = await rawToken(`grant_type=authorization_code&code=${code}&redirect_uri=${encodeURIComponent(f.conf.redirectUri)}&scope[0]=admin`);
      expectOAuthError(res, 400, 'invalid_request');
      expect((await exchange(f, f.conf, code)).status).toBe(200);
    });

    it.each([['code[]=A'], ['client_id[x]=y'], ['scope[0]=read']])('N8 refuses bracket syntax %s in the token query string', async (query) => {
      const res = await request(f.app).post(`/oauth/token?${query}`).set('Authorization', confAuth()).type('form').send({ grant_type: 'authorization_code', code: 'AAAA' });
      // Under the simple parser `code[]` is a name with brackets; the extended parser builds an array or object. Refused either way.
      expectOAuthError(res, 400, 'invalid_request');
    });

    it.each([
      ['client_id[x]', (f: Fixture) => authorizeQuery(f.conf, { client_id: undefined }) + `&client_id[x]=${f.conf.id}`],
      ['scope[0]', (f: Fixture) => authorizeQuery(f.conf, { scope: undefined }) + '&scope[0]=read'],
      ['code_challenge[]', (f: Fixture) => `${authorizeQuery(f.conf)}&code_challenge[]=${'a'.repeat(43)}&code_challenge_method=S256`],
    ])('N8 answers bracket syntax %s at authorize with the error page or an invalid_request redirect', async (_n, query) => {
      const res = await request(f.app).get(`/oauth/authorize?${query(f)}`).set('Cookie', asUser());
      if (res.status === 302) {
        const location = new URL(res.headers.location!);
        expect(`${location.origin}${location.pathname}`).toBe(f.conf.redirectUri);
        // The authorization endpoint reads the raw query itself, whatever parser the host app chose.
        expect(location.searchParams.get('error')).toBe('invalid_request');
        expect(location.searchParams.get('code')).toBeNull();
      } else {
        expect(res.status).toBe(400);
        expect(res.headers.location).toBeUndefined();
      }
    });
  });

  it('N9 treats empty values as missing', async () => {
    const withAuth = await rawToken('grant_type=authorization_code&client_id=&code=');
    expectOAuthError(withAuth, 400, 'invalid_request');
    expect(withAuth.body.error_description).toContain('code');
    const refreshEmpty = await rawToken('grant_type=refresh_token&refresh_token=');
    expectOAuthError(refreshEmpty, 400, 'invalid_request');
    // Without any other credentials an empty client_id means no client authentication: 401 (pinned).
    expectOAuthError(await rawToken('grant_type=authorization_code&client_id=&code=', null), 401, 'invalid_client');
  });

  it('N10 refuses oversized values and URLs without reflecting them or crashing', async () => {
    const bigState = await request(f.app).get(`/oauth/authorize?${authorizeQuery(f.conf, { state: 's'.repeat(8 * 1024) })}`).set('Cookie', asUser());
    if (bigState.status === 302) {
      const location = new URL(bigState.headers.location!);
      expect(location.searchParams.get('error')).toBe('invalid_request');
      expect(location.searchParams.get('state')).toBeNull();
      expect(bigState.headers.location!.length).toBeLessThan(1024);
    } else {
      expect(bigState.status).toBe(400);
    }

    const bigScope = await rawToken(`grant_type=refresh_token&refresh_token=AAAA&scope=${'r'.repeat(100 * 1024)}`);
    expectOAuthError(bigScope, 413, 'invalid_request');

    const server = await listen(f.app);
    try {
      const longUrl = await rawRequest(server.port, 'GET', `/oauth/authorize?${authorizeQuery(f.conf)}&x=${'a'.repeat(17 * 1024)}`, { Cookie: asUser() });
      // Node refuses it (431/414) or the connection is cut (0); the app never sees it.
      expect([0, 400, 414, 431]).toContain(longUrl.status);
      const healthy = await rawRequest(server.port, 'GET', '/.well-known/oauth-authorization-server', {});
      expect(healthy.status).toBe(200);
    } finally {
      await server.close();
    }
  });

  describe('N11 property-based fuzz', () => {
    const REGISTERED_ERRORS = new Set([
      'invalid_request', 'invalid_client', 'invalid_grant', 'unauthorized_client', 'unsupported_grant_type', 'invalid_scope',
      'unsupported_token_type', 'temporarily_unavailable', 'access_denied', 'unsupported_response_type', 'server_error',
      'slow_down', // RFC 8628, used by the rate limiter (group O)
    ]);
    const ALLOWED_STATUS = new Set([200, 302, 400, 401, 403, 405, 413, 429, 503]);
    const RUNS = 500;
    let port: number;
    // Unset when beforeAll failed: afterAll must not hide that failure behind a TypeError of its own.
    let close: (() => Promise<void>) | undefined;
    let registered: string[];
    // Its own fixture: the outer beforeEach replaces `f` before every test.
    let fz: Fixture;
    beforeAll(async () => {
      // The limiter (group O) would answer 429 to almost every case after the first few, leaving
      // nothing fuzzed; 429 stays in the allowed set for when it is on.
      fz = await createFixture({ rateLimit: false });
      const server = await listen(fz.app);
      port = server.port;
      close = server.close;
      registered = [fz.conf.redirectUri, fz.pub.redirectUri, fz.other.redirectUri];
    });
    afterAll(async () => { await close?.(); });

    const value = () => fc.oneof(
      fc.string(), fc.string({ unit: 'binary', maxLength: 64 }), fc.constant(''),
      fc.constantFrom('read', 'read write', 'S256', 'plain', 'code', 'token', 'authorization_code', 'refresh_token', 'A'.repeat(43)),
    );
    const params = (names: string[]) => fc.dictionary(fc.constantFrom(...names), value(), { maxKeys: names.length });
    const client = () => fc.oneof(fc.constantFrom('conf', 'pub', 'other', 'none'), fc.string());

    function checkInvariants(res: { status: number; headers: Record<string, unknown>; text: string }): void {
      const location = res.headers.location as string | undefined;
      const json = String(res.headers['content-type'] ?? '').startsWith('application/json') && res.status >= 400;
      const seen = { status: res.status, text: res.text.slice(0, 300), location };
      // Each invariant is reported with the response, so a counterexample explains itself.
      expect({ ...seen, statusAllowed: ALLOWED_STATUS.has(res.status) }).toEqual({ ...seen, statusAllowed: true });
      expect(res.text).not.toMatch(LEAK);
      if (json) expect({ ...seen, registered: REGISTERED_ERRORS.has(JSON.parse(res.text).error) }).toEqual({ ...seen, registered: true });
      if (location !== undefined) {
        const safe = location.startsWith('/login?') || registered.some((uri) => location.startsWith(`${uri}?`));
        expect({ ...seen, safe }).toEqual({ ...seen, safe: true });
      }
    }
    const clientId = (name: string) => ({ conf: fz.conf.id, pub: fz.pub.id, other: fz.other.id } as Record<string, string>)[name] ?? name;

    it('N11 keeps authorize within its invariants for random parameters', async () => {
      await fc.assert(fc.asyncProperty(params(['response_type', 'redirect_uri', 'scope', 'scopes', 'state', 'code_challenge', 'code_challenge_method', 'permanent']), client(), fc.boolean(),
        async (p, c, loggedIn) => {
          const query = new URLSearchParams({ ...p, client_id: clientId(c) }).toString();
          const res = await request(`http://127.0.0.1:${port}`).get(`/oauth/authorize?${query}`).set('Cookie', loggedIn ? asUser() : '');
          checkInvariants(res);
        }), { numRuns: RUNS });
    });

    it('N11 keeps the token endpoint within its invariants for random parameters', async () => {
      await fc.assert(fc.asyncProperty(params(['grant_type', 'code', 'redirect_uri', 'refresh_token', 'code_verifier', 'scope', 'client_secret']), client(), fc.constantFrom('basic', 'body', 'none'),
        async (p, c, how) => {
          const req = request(`http://127.0.0.1:${port}`).post('/oauth/token').type('form');
          const body: Record<string, string> = { ...p };
          if (how === 'basic') req.set('Authorization', basic(clientId(c), p.client_secret ?? 'x'));
          if (how === 'basic') delete body.client_secret;
          if (how === 'body') body.client_id = clientId(c);
          checkInvariants(await req.send(body));
        }), { numRuns: RUNS });
    });

    it('N11 keeps the revocation endpoint within its invariants for random parameters', async () => {
      await fc.assert(fc.asyncProperty(params(['token', 'token_type_hint', 'client_secret']), client(), async (p, c) => {
        const res = await request(`http://127.0.0.1:${port}`).post('/oauth/revoke').type('form').send({ ...p, client_id: clientId(c) });
        checkInvariants(res);
      }), { numRuns: RUNS });
    });
  });
});
