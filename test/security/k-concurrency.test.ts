import request from 'supertest';
import {
  asUser, authorizeQuery, basic, consent, createFixture, getCode, ISSUER, readConsentForm, tokensFor, type Fixture,
} from '../support/provider-fixture';
import { memoryClientStore, memoryTokenStore } from '../../adapters/memory';
import { expectDead, expectOAuthError, listen, withLatency } from './backchannel-helpers';

/**
 * Checklist group K (docs/security-checklist.md): races (IO-1, IO-2). Each request goes over its own connection, and the
 * stores yield on every call as Redis or SQL would, so that the requests really interleave.
 */
const latencyFixture = () => createFixture({}, { clients: withLatency(memoryClientStore()), tokens: withLatency(memoryTokenStore()) });

const N = 20;

describe('K. concurrency', () => {
  let f: Fixture;
  let base: string;
  let close: () => Promise<void>;
  beforeEach(async () => {
    f = await latencyFixture();
    const server = await listen(f.app);
    base = `http://127.0.0.1:${server.port}`;
    close = server.close;
  });
  afterEach(async () => { await close(); });

  const post = (path: string, auth: string, body: Record<string, string>) =>
    request(base).post(path).set('Authorization', auth).set('Connection', 'close').type('form').send(body);

  it.each([
    ['spent and saved in one store step (redeemCode)', true],
    ['spent, then saved (a store without redeemCode)', false],
  ])('K1 redeems one code for exactly one of 20 simultaneous exchanges: %s', async (_name, atomic) => {
    // Every token family the store accepted, counted as it is written: after the race the replays
    // revoke the grant, so counting what is left in the store afterwards would always find none.
    const saved: string[] = [];
    const { redeemCode, ...tokens } = withLatency(memoryTokenStore());
    const counting = {
      ...tokens,
      saveTokens: async (...args: Parameters<typeof tokens.saveTokens>) => {
        const ok = await tokens.saveTokens(...args);
        if (ok) saved.push(args[0].id);
        return ok;
      },
      ...(atomic ? {
        redeemCode: async (...args: Parameters<NonNullable<typeof redeemCode>>) => {
          const result = await redeemCode!(...args);
          if (result === 'saved') saved.push(args[1].id);
          return result;
        },
      } : {}),
    };
    await close();
    f = await createFixture({}, { clients: withLatency(memoryClientStore()), tokens: counting });
    const server = await listen(f.app);
    base = `http://127.0.0.1:${server.port}`;
    close = server.close;

    const code = await getCode(f, f.conf);
    const results = await Promise.all(Array.from({ length: N }, () =>
      post('/oauth/token', basic(f.conf.id, f.conf.secret!), { grant_type: 'authorization_code', code, redirect_uri: f.conf.redirectUri })));

    const winners = results.filter((r) => r.status === 200);
    expect(winners).toHaveLength(1);
    expect(results.filter((r) => r.status >= 500)).toHaveLength(0);
    for (const loser of results.filter((r) => r.status !== 200)) expectOAuthError(loser, 400, 'invalid_grant');
    // Exactly one token family was ever written for the code.
    expect(saved).toHaveLength(1);
    // Decision 5: the other 19 were replays by the owning client, so the issued tokens are revoked.
    await expectDead(f, winners[0]!.body.access_token);
  });

  it('K2 rotates one refresh token for exactly one of 20 simultaneous refreshes, then kills the successor too', async () => {
    const first = await tokensFor(f);
    const results = await Promise.all(Array.from({ length: N }, () =>
      post('/oauth/token', basic(f.conf.id, f.conf.secret!), { grant_type: 'refresh_token', refresh_token: first.refresh_token! })));

    const winners = results.filter((r) => r.status === 200);
    expect(winners).toHaveLength(1);
    expect(results.filter((r) => r.status >= 500)).toHaveLength(0);
    for (const loser of results.filter((r) => r.status !== 200)) expectOAuthError(loser, 400, 'invalid_grant');
    // Strict reuse policy (decision 4): the losers presented a rotated token, so the successor is dead too.
    const successor = winners[0]!.body as { access_token: string; refresh_token: string };
    expectOAuthError(await post('/oauth/token', basic(f.conf.id, f.conf.secret!), { grant_type: 'refresh_token', refresh_token: successor.refresh_token }), 400, 'invalid_grant');
    await expectDead(f, successor.access_token);
    await expectDead(f, first.access_token);
  });

  const redeemWhileRevoking = (revoke: (fx: Fixture) => Promise<unknown>) => async () => {
    // Repeated with the revocation started at different points of the exchange.
    for (let delay = 0; delay < 6; delay += 1) {
      const t = await tokensFor(f); // a grant that exists before, so user revocation has something to list
      const code = await getCode(f, f.conf);
      const exchange = post('/oauth/token', basic(f.conf.id, f.conf.secret!), { grant_type: 'authorization_code', code, redirect_uri: f.conf.redirectUri });
      const exchanged = exchange.then((r) => r);
      for (let i = 0; i < delay; i += 1) await new Promise((r) => setImmediate(r));
      await revoke(f);
      const res = await exchanged;
      expect(res.status).toBeLessThan(500);
      await expectDead(f, t.access_token);
      if (res.status === 200) {
        await expectDead(f, res.body.access_token);
        const again = await post('/oauth/token', basic(f.conf.id, f.conf.secret!), { grant_type: 'refresh_token', refresh_token: res.body.refresh_token });
        expect(again.status).not.toBe(200);
      }
      // Fresh fixture for the next round: a suspended client cannot be re-approved.
      await close();
      f = await latencyFixture();
      const server = await listen(f.app);
      base = `http://127.0.0.1:${server.port}`;
      close = server.close;
    }
  };

  it('K3 leaves no live token from a code redeemed while the client is suspended',
    redeemWhileRevoking((fx) => fx.oauth.clients.suspend(fx.conf.id)));

  it("K3 leaves no live token from a code redeemed while the user's grants are revoked",
    redeemWhileRevoking((fx) => fx.oauth.grants.revokeAllForUser('id-alice')));

  it('K4 issues one code for two simultaneous submissions of one consent form', async () => {
    const page = await request(f.app).get(`/oauth/authorize?${authorizeQuery(f.conf)}`).set('Cookie', asUser());
    const form = readConsentForm(page.text);
    const submit = () => request(base).post(form.action).set('Cookie', asUser()).set('Origin', ISSUER).set('Connection', 'close')
      .type('form').send({ ...form.fields, decision: 'approve' });
    const results = await Promise.all([submit(), submit()]);
    const withCode = results.filter((r) => r.headers.location && new URL(r.headers.location).searchParams.get('code'));
    expect(withCode).toHaveLength(1);
    const other = results.find((r) => r !== withCode[0])!;
    expect(other.status).toBe(400);
    expect(other.headers['content-type']).toMatch(/^text\/html/);
    expect(other.headers.location).toBeUndefined();
  });
});

describe('K3 for the implicit-style redirect (compat.implicitGrant)', () => {
  it('K3 kills an implicit token whose client was suspended while it was being saved', async () => {
    const tokens = memoryTokenStore();
    const clients = memoryClientStore();
    let suspendFirst: (() => Promise<unknown>) | null = null;
    // The suspension runs to its end just before the save: it lists the client's grants while the
    // new grant does not exist yet, so only a re-check after the save can catch it.
    const racing = { ...tokens, saveTokens: async (...args: Parameters<typeof tokens.saveTokens>) => {
      const suspend = suspendFirst;
      suspendFirst = null;
      if (suspend) await suspend();
      return tokens.saveTokens(...args);
    } };
    const f = await createFixture({ compat: { implicitGrant: 'fragment' } }, { clients, tokens: racing });
    await f.oauth.clients.setPermissions(f.conf.id, { allowImplicit: true });
    suspendFirst = () => f.oauth.clients.suspend(f.conf.id);
    const res = await consent(f, authorizeQuery(f.conf, { response_type: 'token' }));
    expect(res.status).toBe(400);
    expect(res.headers.location).toBeUndefined();
    expect(await tokens.listGrants({ clientId: f.conf.id })).toEqual([]);
  });
});
