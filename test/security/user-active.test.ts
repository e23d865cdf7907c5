import { afterEach, describe, expect, it, jest } from '@jest/globals';
import request from 'supertest';
import { memoryClientStore, memoryTokenStore } from '../../adapters/memory';
import { ConfigurationError, createOAuthProvider } from '../../src';
import { USER_ACTIVITY_MAX_ENTRIES, USER_ACTIVITY_TTL_MS, UserActivity } from '../../src/user-activity';
import { answer, deviceFor, poll } from '../support/device-flow';
import {
  asUser, authorizeQuery, basic, callApi, consent, createFixture, exchange, getCode, ISSUER, readConsentForm, refresh, tokensFor, type Fixture,
} from '../support/provider-fixture';
import { expectOAuthError } from './backchannel-helpers';

/**
 * `isUserActive`: a user deleted or banned after consenting gets no new tokens (invalid_grant, and
 * the grant revoked) and their tokens stop at requireScope (401). A failing hook is a 503.
 */

/** A fixture whose `isUserActive` answers from `banned`, counting its calls. */
async function withBans(): Promise<{ f: Fixture; banned: Set<string>; asked: () => number; failing: { on: boolean } }> {
  const banned = new Set<string>();
  const failing = { on: false };
  let calls = 0;
  const f = await createFixture({
    compat: { implicitGrant: 'fragment' },
    isUserActive: async (userId) => {
      calls += 1;
      if (failing.on) throw new Error('the user database is down');
      return !banned.has(userId);
    },
  });
  return { f, banned, asked: () => calls, failing };
}

const ALICE = 'id-alice';

afterEach(() => {
  jest.restoreAllMocks();
});

describe('isUserActive at token issuance', () => {
  it('refuses the code exchange of a user banned after consenting, and revokes the grant', async () => {
    const { f, banned } = await withBans();
    const code = await getCode(f, f.conf);
    banned.add(ALICE);
    const res = await exchange(f, f.conf, code);
    expectOAuthError(res, 400, 'invalid_grant');
    expect(res.body.access_token).toBeUndefined();
    expect(await f.tokens.listGrants({ userId: ALICE })).toEqual([]);
    expect(f.events.filter((e) => e.event === 'token.issued')).toHaveLength(0);
    expect(f.events.some((e) => e.event === 'grant.revoked' && e.payload.reason === 'user_inactive')).toBe(true);
  });

  it('refuses the refresh of a banned user and revokes the grant, so unbanning does not bring it back', async () => {
    const { f, banned } = await withBans();
    const t = await tokensFor(f);
    banned.add(ALICE);
    expectOAuthError(await refresh(f, f.conf, t.refresh_token!), 400, 'invalid_grant');
    banned.delete(ALICE);
    expectOAuthError(await refresh(f, f.conf, t.refresh_token!), 400, 'invalid_grant');
    expect((await callApi(f, t.access_token)).status).toBe(401);
  });

  it('refuses the PIN exchange of a banned user, and retires the PIN\'s grant as well', async () => {
    const { f, banned } = await withBans();
    const page = await request(f.app).get(`/oauth/authorize?${authorizeQuery(f.conf, { response_type: 'pin' })}`).set('Cookie', asUser());
    const form = readConsentForm(page.text);
    const shown = await request(f.app).post(form.action).set('Cookie', asUser()).set('Origin', ISSUER).type('form')
      .send({ ...form.fields, decision: 'approve' });
    const pin = /id="pin"[^>]*>([^<]+)</.exec(shown.text)![1]!;
    expect(await f.tokens.listGrants({ userId: ALICE })).toHaveLength(1);
    banned.add(ALICE);
    const res = await request(f.app).post('/oauth/token').set('Authorization', basic(f.conf.id, f.conf.secret!)).type('form')
      .send({ grant_type: 'pin', pin });
    expectOAuthError(res, 400, 'invalid_grant');
    expect(await f.tokens.listGrants({ userId: ALICE })).toEqual([]);
  });

  it('refuses the device code of a user banned after approving it', async () => {
    const { f, banned } = await withBans();
    const device = await deviceFor(f, f.conf);
    expect((await answer(f, device.user_code, 'approve')).status).toBe(200);
    banned.add(ALICE);
    expectOAuthError(await poll(f, f.conf, device.device_code), 400, 'invalid_grant');
    expect(await f.tokens.listGrants({ userId: ALICE })).toEqual([]);
  });

  it('issues no implicit token to a banned user: a page, not a redirect', async () => {
    const { f, banned } = await withBans();
    await f.oauth.clients.setPermissions(f.conf.id, { allowImplicit: true });
    banned.add(ALICE);
    const res = await consent(f, authorizeQuery(f.conf, { response_type: 'token' }));
    expect(res.status).toBe(403);
    expect(res.headers.location).toBeUndefined();
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(await f.tokens.listGrants({ userId: ALICE })).toEqual([]);
  });

  it('answers 503, never 400 or 401, when the hook throws, and the grant survives for a retry', async () => {
    const { f, failing } = await withBans();
    const t = await tokensFor(f);
    failing.on = true;
    const res = await refresh(f, f.conf, t.refresh_token!);
    expect(res.status).toBe(503);
    expect(res.body.error).toBe('temporarily_unavailable');
    expect(res.headers['retry-after']).toMatch(/^\d+$/);
    expect(await f.tokens.listGrants({ userId: ALICE })).toHaveLength(1);
  });
});

describe('isUserActive in requireScope', () => {
  it('refuses a banned user\'s token with 401 invalid_token once the cached answer is older than the TTL', async () => {
    const { f, banned, asked } = await withBans();
    const t = await tokensFor(f);
    let offset = 0;
    const realNow = Date.now.bind(Date);
    jest.spyOn(Date, 'now').mockImplementation(() => realNow() + offset);
    offset += USER_ACTIVITY_TTL_MS; // the answer the exchange left is stale
    expect((await callApi(f, t.access_token)).status).toBe(200);
    const before = asked();
    for (let i = 0; i < 5; i += 1) expect((await callApi(f, t.access_token)).status).toBe(200);
    expect(asked()).toBe(before); // within the TTL the hook is not asked again

    banned.add(ALICE);
    offset += USER_ACTIVITY_TTL_MS;
    const refused = await callApi(f, t.access_token);
    expect(refused.status).toBe(401);
    expect(refused.headers['www-authenticate']).toContain('error="invalid_token"');
  });

  it('answers 503 with Retry-After, never 401, when the hook throws', async () => {
    const { f, failing } = await withBans();
    const t = await tokensFor(f);
    jest.spyOn(Date, 'now').mockImplementation(() => 10 * USER_ACTIVITY_TTL_MS + Date.prototype.getTime.call(new Date()));
    failing.on = true;
    const res = await callApi(f, t.access_token);
    expect(res.status).toBe(503);
    expect(res.body.error).toBe('temporarily_unavailable');
    expect(res.headers['retry-after']).toMatch(/^\d+$/);
  });
});

describe('UserActivity', () => {
  it('keeps at most USER_ACTIVITY_MAX_ENTRIES answers, dropping the least recently asked', async () => {
    const asked: string[] = [];
    const activity = new UserActivity((userId) => { asked.push(userId); return true; });
    for (let i = 0; i <= USER_ACTIVITY_MAX_ENTRIES; i += 1) await activity.recent(`u${i}`);
    asked.length = 0;
    await activity.recent(`u${USER_ACTIVITY_MAX_ENTRIES}`);
    expect(asked).toEqual([]);
    await activity.recent('u0');
    expect(asked).toEqual(['u0']);
  });

  it('takes only true as active', async () => {
    const activity = new UserActivity(() => 'yes' as unknown as boolean);
    expect(await activity.check('u')).toBe(false);
  });
});

it('refuses an isUserActive that is not a function at start-up', () => {
  expect(() => createOAuthProvider({
    issuer: ISSUER, scopes: { read: 'Read' }, store: { clients: memoryClientStore(), tokens: memoryTokenStore() },
    currentUser: () => null, loginUrl: () => '/login', isUserActive: true as unknown as () => boolean,
  })).toThrow(new ConfigurationError('createOAuthProvider: option `isUserActive` is invalid: expected a function'));
});
