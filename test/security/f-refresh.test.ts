import request from 'supertest';
import { memoryTokenStore } from '../../adapters/memory';
import type { TokenStore } from '../../src/storage/token-store';
import { authorizeQuery, callApi, consent, createFixture, exchange, refresh, tokensFor, type Fixture } from '../support/provider-fixture';
import { expectDead, expectOAuthError, expectUsable } from './backchannel-helpers';

/** Checklist group F (docs/security-checklist.md): refresh tokens (RFC 6749 §6, RFC 9700 §4.14). */

/**
 * A memory token store whose next two refresh-token reads both finish before either request
 * goes on: the interleaving of two simultaneous refreshes in which both read the token unused,
 * forced instead of hoped for (no timers).
 */
function storeWithRacingReads(): { tokens: TokenStore; raceNextTwoReads: () => void } {
  const inner = memoryTokenStore();
  let racing = false;
  let waiting: Array<() => void> = [];
  const tokens: TokenStore = {
    ...inner,
    findRefreshToken: async (grantId, hash) => {
      const found = await inner.findRefreshToken(grantId, hash);
      if (!racing) return found;
      await new Promise<void>((resolve) => {
        waiting.push(resolve);
        if (waiting.length === 2) {
          racing = false;
          for (const release of waiting) release();
          waiting = [];
        }
      });
      return found;
    },
  };
  return { tokens, raceNextTwoReads: () => { racing = true; } };
}

describe('F. refresh tokens', () => {
  let f: Fixture;
  beforeEach(async () => { f = await createFixture(); });
  afterEach(() => { jest.restoreAllMocks(); });

  it('F1 rotates the refresh token on every use', async () => {
    const first = await tokensFor(f);
    const res = await refresh(f, f.conf, first.refresh_token!);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers.pragma).toBe('no-cache');
    expect(res.body.access_token).toEqual(expect.any(String));
    expect(res.body.access_token).not.toBe(first.access_token);
    expect(res.body.refresh_token).toEqual(expect.any(String));
    expect(res.body.refresh_token).not.toBe(first.refresh_token);
    await expectUsable(f, res.body.access_token);
  });

  it('F2 revokes the whole family when a rotated refresh token comes back', async () => {
    const first = await tokensFor(f);
    const second = (await refresh(f, f.conf, first.refresh_token!)).body;
    expect(second.refresh_token).toEqual(expect.any(String));

    expectOAuthError(await refresh(f, f.conf, first.refresh_token!), 400, 'invalid_grant');
    expectOAuthError(await refresh(f, f.conf, second.refresh_token), 400, 'invalid_grant');
    await expectDead(f, second.access_token);
    await expectDead(f, first.access_token);
    expect(f.events.map((e) => e.event)).toContain('refresh.reused');
  });

  it('F2 revokes the family when a rotated refresh token comes back asking for a wider scope (reuse is checked before scope)', async () => {
    const first = await tokensFor(f, f.conf, { scope: 'read' });
    const second = (await refresh(f, f.conf, first.refresh_token!)).body;
    expect(second.refresh_token).toEqual(expect.any(String));

    expectOAuthError(await refresh(f, f.conf, first.refresh_token!, { scope: 'read write' }), 400, 'invalid_grant');
    await expectDead(f, second.access_token);
    expectOAuthError(await refresh(f, f.conf, second.refresh_token), 400, 'invalid_grant');
    expect(f.events.map((e) => e.event)).toContain('refresh.reused');
  });

  it('F2 revokes the family when two refreshes race with one token and both read it unused (decision 4: the loser)', async () => {
    const { tokens, raceNextTwoReads } = storeWithRacingReads();
    f = await createFixture({}, { tokens });
    const first = await tokensFor(f);
    raceNextTwoReads();
    const answers = await Promise.all([refresh(f, f.conf, first.refresh_token!), refresh(f, f.conf, first.refresh_token!)]);

    // Only one rotation can win; the other presented a token rotated under it, which is reuse.
    const refused = answers.filter((res) => res.status !== 200);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    for (const res of refused) expectOAuthError(res, 400, 'invalid_grant');
    expect(f.events.map((e) => e.event)).toContain('refresh.reused');
    await expectDead(f, first.access_token);
    for (const res of answers.filter((r) => r.status === 200)) {
      await expectDead(f, res.body.access_token);
      expectOAuthError(await refresh(f, f.conf, res.body.refresh_token), 400, 'invalid_grant');
    }
  });

  it.each([['read write'], ['admin']])('F3 refuses a refresh that asks for more scope (%s) without burning the refresh token', async (scope) => {
    const first = await tokensFor(f, f.conf, { scope: 'read' });
    expectOAuthError(await refresh(f, f.conf, first.refresh_token!, { scope }), 400, 'invalid_scope');
    const again = await refresh(f, f.conf, first.refresh_token!);
    expect(again.status).toBe(200);
    expect(again.body.scope).toBe('read');
  });

  it('F4 keeps the grant scope on the new refresh token when the access token asks for less', async () => {
    const first = await tokensFor(f, f.conf, { scope: 'read write' });
    const narrowed = await refresh(f, f.conf, first.refresh_token!, { scope: 'read' });
    expect(narrowed.status).toBe(200);
    expect(narrowed.body.scope).toBe('read');
    expect((await callApi(f, narrowed.body.access_token, '/api/write')).status).toBe(403);

    const full = await refresh(f, f.conf, narrowed.body.refresh_token);
    expect(full.status).toBe(200);
    expect(full.body.scope).toBe('read write');
    expect((await callApi(f, full.body.access_token, '/api/write')).status).toBe(200);
  });

  it("F5 refuses another client's refresh token and leaves it usable by its owner", async () => {
    const first = await tokensFor(f);
    expectOAuthError(await refresh(f, f.other, first.refresh_token!), 400, 'invalid_grant');
    const owner = await refresh(f, f.conf, first.refresh_token!);
    expect(owner.status).toBe(200);
    await expectUsable(f, owner.body.access_token);
  });

  it('F6 makes a confidential client authenticate to refresh, and a refused attempt does not rotate', async () => {
    const first = await tokensFor(f);
    const res = await request(f.app).post('/oauth/token').type('form')
      .send({ grant_type: 'refresh_token', refresh_token: first.refresh_token!, client_id: f.conf.id });
    // Pinned: an unauthenticated confidential client is 401 invalid_client, like every client authentication failure.
    expectOAuthError(res, 401, 'invalid_client');
    const owner = await refresh(f, f.conf, first.refresh_token!);
    expect(owner.status).toBe(200);
  });

  it('F7 refuses a refresh token that sat idle past its lifetime, while each rotation restarts the clock', async () => {
    f = await createFixture({ lifetimes: { refreshToken: 2 } });
    const realNow = Date.now.bind(Date);
    let offsetMs = 0;
    jest.spyOn(Date, 'now').mockImplementation(() => realNow() + offsetMs);

    const first = await tokensFor(f);
    offsetMs = 1500;
    const second = await refresh(f, f.conf, first.refresh_token!);
    expect(second.status).toBe(200);
    // 3 s after the first token was issued, but only 1.5 s after the rotation: idle expiry, not absolute.
    offsetMs = 3000;
    const third = await refresh(f, f.conf, second.body.refresh_token);
    expect(third.status).toBe(200);
    offsetMs = 6000;
    expectOAuthError(await refresh(f, f.conf, third.body.refresh_token), 400, 'invalid_grant');
  });

  it('F8 kills every token of a user when the site signals a security event (revokeAllForUser)', async () => {
    const a = await tokensFor(f);
    const b = await tokensFor(f, f.conf, { scope: 'write' });
    const c = await tokensFor(f, f.other);
    const bobRedirect = new URL((await consent(f, authorizeQuery(f.conf), 'approve', 'bob')).headers.location!);
    const bob = (await exchange(f, f.conf, bobRedirect.searchParams.get('code')!)).body;

    expect(await f.oauth.grants.revokeAllForUser('id-alice')).toBe(3);
    for (const t of [a, b, c]) await expectDead(f, t.access_token);
    expectOAuthError(await refresh(f, f.conf, a.refresh_token!), 400, 'invalid_grant');
    expectOAuthError(await refresh(f, f.conf, b.refresh_token!), 400, 'invalid_grant');
    expectOAuthError(await refresh(f, f.other, c.refresh_token!), 400, 'invalid_grant');
    // Only alice's grants: another user's tokens live on.
    await expectUsable(f, bob.access_token);
    expect((await refresh(f, f.conf, bob.refresh_token)).status).toBe(200);
  });
});
