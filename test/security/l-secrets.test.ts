import request from 'supertest';
import { memoryClientStore, memoryTokenStore } from '../../adapters/memory';
import {
  asUser, authorizeQuery, basic, createFixture, exchange, getCode, pkcePair, refresh, tokensFor, type Fixture,
} from '../support/provider-fixture';
import type { ClientStore } from '../../src/storage/client-store';
import type { TokenStore } from '../../src/storage/token-store';
import { hashSecret } from '../../src/crypto';
import { LEAK } from './backchannel-helpers';

/**
 * Checklist group L (docs/security-checklist.md), grey-box on the memory store: what the provider hands to its stores is what
 * Redis or SQL would keep, so recording every call shows what would be stored. (The Redis and
 * SQL adapters have their own plaintext tests.)
 */

interface Recorded { method: string; args: unknown[] }

function recording<T extends object>(store: T, log: Recorded[]): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, method] of Object.entries(store)) {
    wrapped[name] = (...args: unknown[]) => {
      log.push({ method: name, args });
      return (method as (...a: unknown[]) => unknown).apply(store, args);
    };
  }
  return wrapped as T;
}

/** The 256-bit random part of a `<grantId>.<secret>` value: the grant id before the dot is no secret. */
const secretPart = (value: string) => value.slice(value.indexOf('.') + 1);

/** A full flow plus a refresh, a public PKCE flow, a reuse and a revocation; returns every plaintext secret seen. */
async function runFlows(f: Fixture): Promise<string[]> {
  const secrets: string[] = [f.conf.secret!, f.other.secret!];
  const code = await getCode(f, f.conf, { scope: 'read write' });
  const first = (await exchange(f, f.conf, code)).body;
  const second = (await refresh(f, f.conf, first.refresh_token)).body;
  const pkce = pkcePair();
  const pubCode = await getCode(f, f.pub, { code_challenge: pkce.challenge, code_challenge_method: 'S256' });
  const pub = (await exchange(f, f.pub, pubCode, { code_verifier: pkce.verifier })).body;
  await refresh(f, f.conf, first.refresh_token); // reuse: revokes the family
  await exchange(f, f.conf, code); // code replay
  await exchange(f, f.conf, await getCode(f, f.conf), { code_verifier: 'x'.repeat(43) }); // failing exchange
  await request(f.app).post('/oauth/revoke').type('form').send({ client_id: f.pub.id, token: pub.access_token });
  const { clientSecret } = await f.oauth.clients.rotateSecret(f.other.id);
  secrets.push(clientSecret);
  await f.oauth.clients.suspend(f.conf.id);
  secrets.push(code, pubCode, pkce.verifier, first.access_token, first.refresh_token, second.access_token, second.refresh_token,
    pub.access_token, pub.refresh_token);
  return secrets;
}

describe('L. storage, secrets and logs', () => {
  afterEach(() => { jest.restoreAllMocks(); });

  it('L1 hands the stores only hashes of codes, tokens and secrets', async () => {
    const log: Recorded[] = [];
    const f = await createFixture({}, { clients: recording(memoryClientStore(), log), tokens: recording(memoryTokenStore(), log) });
    const secrets = await runFlows(f);
    const dump = JSON.stringify(log);
    for (const secret of secrets) expect(dump).not.toContain(secretPart(secret));

    // Keys are the SHA-256 of the whole value, as the records document.
    const code = await getCode(f, f.pub, { code_challenge: pkcePair().challenge, code_challenge_method: 'S256' });
    const saved = log.filter((r) => r.method === 'saveCode').map((r) => (r.args[0] as { hash: string }).hash);
    expect(saved).toContain(hashSecret(code));
  });

  it('L2 gives every stored record an expiry within its lifetime, and the store drops it after', async () => {
    const log: Recorded[] = [];
    const tokens = recording(memoryTokenStore(), log);
    const f = await createFixture({}, { tokens });
    const before = Date.now();
    const t = await tokensFor(f, f.conf, { scope: 'read' });
    const personal = await getCode(f, f.conf, { scope: 'identity' });
    const after = Date.now();
    const within = (expiresAt: Date, seconds: number) => {
      expect(expiresAt.getTime()).toBeGreaterThan(before);
      expect(expiresAt.getTime()).toBeLessThanOrEqual(after + seconds * 1000);
    };
    const calls = (method: string) => log.filter((r) => r.method === method);
    for (const c of calls('saveAuthorizationRequest')) within((c.args[0] as { expiresAt: Date }).expiresAt, 600);
    const codes = calls('saveCode').map((c) => c.args[0] as { expiresAt: Date; scopes: string[] });
    expect(codes).toHaveLength(2);
    for (const c of codes) within(c.expiresAt, c.scopes.includes('identity') ? 90 : 300);
    // The exchange spends the code and saves in one step (redeemCode: the code's hash, then what saveTokens takes).
    expect(calls('saveTokens')).toHaveLength(0);
    const saves = calls('redeemCode');
    expect(saves).toHaveLength(1);
    const [, grant, access, refreshRecord] = saves[0]!.args as Array<{ expiresAt: Date }>;
    within(access!.expiresAt, 3600);
    within(refreshRecord!.expiresAt, 30 * 24 * 3600);
    within(grant!.expiresAt, 30 * 24 * 3600);

    // Past every lifetime, nothing is found any more (the store's TTL equivalent).
    const realNow = Date.now.bind(Date);
    jest.spyOn(Date, 'now').mockImplementation(() => realNow() + 31 * 24 * 3600 * 1000);
    expect((await request(f.app).get('/api/read').set('Authorization', `Bearer ${t.access_token}`)).status).toBe(401);
    expect((await refresh(f, f.conf, t.refresh_token!)).body.error).toBe('invalid_grant');
    expect((await exchange(f, f.conf, personal)).body.error).toBe('invalid_grant');
    expect(await f.tokens.listGrants({ userId: 'id-alice' })).toEqual([]);
  });

  it('L3 never puts a secret, token, code or verifier into an audit event or the console', async () => {
    const output: string[] = [];
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      jest.spyOn(console, method).mockImplementation((...args: unknown[]) => { output.push(args.map(String).join(' ')); });
    }
    const f = await createFixture();
    const secrets = await runFlows(f);
    // Failing client authentication carries the presented secret: it must not be echoed either.
    await request(f.app).post('/oauth/token').set('Authorization', basic(f.other.id, 'presented-wrong-secret-value')).type('form')
      .send({ grant_type: 'refresh_token', refresh_token: secrets[secrets.length - 1]! });
    secrets.push('presented-wrong-secret-value', Buffer.from(`${f.other.id}:presented-wrong-secret-value`).toString('base64'));

    expect(f.events.length).toBeGreaterThan(5);
    const events = JSON.stringify(f.events);
    const consoleText = output.join('\n');
    for (const secret of secrets) {
      expect(events).not.toContain(secretPart(secret));
      expect(consoleText).not.toContain(secretPart(secret));
    }
  });

  it('L3 hands the logger only error names and codes, even when a driver message quotes the secret', async () => {
    const logged: string[] = [];
    const failure = { quote: null as string | null };
    const quoting = <T extends object>(store: T): T => {
      const wrapped: Record<string, unknown> = {};
      for (const [name, method] of Object.entries(store)) {
        wrapped[name] = async (...args: unknown[]) => {
          // Some drivers put the statement and its values into the message (knex: "insert into ... values (...)").
          if (failure.quote) throw Object.assign(new Error(`query failed: ${failure.quote} ${JSON.stringify(args)}`), { code: 'ER_TEST' });
          return (method as (...a: unknown[]) => unknown).apply(store, args);
        };
      }
      return wrapped as T;
    };
    const f = await createFixture({ logger: { error: (message, details) => { logged.push(`${message} ${JSON.stringify(details)}`); } } },
      { clients: quoting(memoryClientStore()), tokens: quoting(memoryTokenStore()) });
    const live = await tokensFor(f, f.other);
    const secrets = [live.access_token, live.refresh_token!, ...await runFlows(f)];
    failure.quote = secrets.join(' ');
    const failed = [
      await refresh(f, f.other, live.refresh_token!),
      await request(f.app).get('/api/read').set('Authorization', `Bearer ${live.access_token}`),
      await request(f.app).post('/oauth/revoke').set('Authorization', basic(f.other.id, f.other.secret!)).type('form').send({ token: live.access_token }),
      await request(f.app).get(`/oauth/authorize?${authorizeQuery(f.other)}`).set('Cookie', asUser()),
    ];
    failure.quote = null;
    expect(failed.map((r) => r.status)).toEqual([503, 503, 503, 503]);
    expect(logged.length).toBeGreaterThanOrEqual(4);
    expect(logged.join('\n')).toContain('ER_TEST');
    for (const secret of [...secrets, f.conf.secret!, f.other.secret!]) expect(logged.join('\n')).not.toContain(secretPart(secret));
  });

  it('L4 answers store failures and model bugs with a generic error and no internals', async () => {
    const failure = { error: null as Error | null };
    const failing = <T extends object>(store: T): T => {
      const wrapped: Record<string, unknown> = {};
      for (const [name, method] of Object.entries(store)) {
        wrapped[name] = async (...args: unknown[]) => {
          if (failure.error) throw failure.error;
          return (method as (...a: unknown[]) => unknown).apply(store, args);
        };
      }
      return wrapped as T;
    };
    const clients: ClientStore = failing(memoryClientStore());
    const tokens: TokenStore = failing(memoryTokenStore());
    const f = await createFixture({}, { clients, tokens });
    const t = await tokensFor(f);
    const code = await getCode(f, f.conf);
    const page = await request(f.app).get(`/oauth/authorize?${authorizeQuery(f.conf)}`).set('Cookie', asUser());

    const errors = [
      new Error('connect ECONNREFUSED 127.0.0.1:6379'),
      new Error("ER_NO_SUCH_TABLE: SELECT * FROM oauth_clients WHERE id = 'x' at /srv/app/node_modules/knex/lib/runner.js:12"),
      new TypeError("Cannot read properties of undefined (reading 'hash')"),
    ];
    for (const error of errors) {
      failure.error = error;
      const responses = [
        await exchange(f, f.conf, code),
        await refresh(f, f.conf, t.refresh_token!),
        await request(f.app).post('/oauth/revoke').set('Authorization', basic(f.conf.id, f.conf.secret!)).type('form').send({ token: t.access_token }),
        await request(f.app).post('/oauth/introspect').set('Authorization', basic(f.conf.id, f.conf.secret!)).type('form').send({ token: t.access_token }),
        await request(f.app).get('/api/read').set('Authorization', `Bearer ${t.access_token}`),
        await request(f.app).get(`/oauth/authorize?${authorizeQuery(f.conf)}`).set('Cookie', asUser()),
      ];
      for (const res of responses) {
        expect(res.status).toBe(503);
        expect(res.text).not.toMatch(LEAK);
        expect(res.text).not.toContain(error.message.slice(0, 20));
        expect(res.text).not.toMatch(/TypeError|SELECT|\/srv\/|runner\.js/);
        if (res.headers['content-type']?.startsWith('application/json')) {
          expect(res.body.error).toBe('temporarily_unavailable');
        }
        expect(res.headers['retry-after']).toEqual(expect.any(String));
      }
    }
    failure.error = null;
    expect(page.status).toBe(200);
  });
});
