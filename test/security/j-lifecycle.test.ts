import request from 'supertest';
import { asUser, authorizeQuery, createFixture, exchange, getCode, refresh, tokensFor, type Fixture } from '../support/provider-fixture';
import { expectDead, expectOAuthError } from './backchannel-helpers';

/** Checklist group J (docs/security-checklist.md): what a suspended client, a banned user or a narrowed client keeps. */

describe('J. lifecycle', () => {
  let f: Fixture;
  beforeEach(async () => { f = await createFixture(); });

  it('J1 leaves a suspended client nothing: tokens dead, refresh and earlier codes refused, authorize shows a page', async () => {
    const t = await tokensFor(f);
    const pending = await getCode(f, f.conf);
    await f.oauth.clients.suspend(f.conf.id);

    await expectDead(f, t.access_token);
    const refreshed = await refresh(f, f.conf, t.refresh_token!);
    expectOAuthError(refreshed, 401, 'invalid_client');
    expect(refreshed.headers['www-authenticate']).toBe('Basic realm="forum.example"');

    const page = await request(f.app).get(`/oauth/authorize?${authorizeQuery(f.conf)}`).set('Cookie', asUser());
    expect(page.status).toBe(400);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers.location).toBeUndefined();

    // Pinned: every invalid_client is 401 (the checklist allows invalid_client here).
    expectOAuthError(await exchange(f, f.conf, pending), 401, 'invalid_client');
  });

  it('J2 leaves a user removed through revokeAllForUser no live access or refresh token', async () => {
    const t = await tokensFor(f);
    const viaOther = await tokensFor(f, f.other);
    await f.oauth.grants.revokeAllForUser('id-alice');

    await expectDead(f, t.access_token);
    await expectDead(f, viaOther.access_token);
    expectOAuthError(await refresh(f, f.conf, t.refresh_token!), 400, 'invalid_grant');
    expectOAuthError(await refresh(f, f.other, viaOther.refresh_token!), 400, 'invalid_grant');
  });

  it('J2 refuses a code that was outstanding when the user was removed', async () => {
    const pending = await getCode(f, f.conf);
    await f.oauth.grants.revokeAllForUser('id-alice');
    expectOAuthError(await exchange(f, f.conf, pending), 400, 'invalid_grant');
  });

  it("J3 narrows a refresh to the client's remaining scopes and refuses new requests for the removed one", async () => {
    const t = await tokensFor(f, f.conf, { scope: 'read write' });
    await f.oauth.clients.update(f.conf.id, { scopes: ['read', 'identity'] });
    await f.oauth.clients.approveChange(f.conf.id);

    // Pinned: narrowed, not refused, so the client keeps what it may still have.
    const refreshed = await refresh(f, f.conf, t.refresh_token!);
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.scope).toBe('read');
    const write = await request(f.app).get('/api/write').set('Authorization', `Bearer ${refreshed.body.access_token}`);
    expect(write.status).toBe(403);
    // Asking for the removed scope explicitly is an error, and it does not burn the refresh token.
    expectOAuthError(await refresh(f, f.conf, refreshed.body.refresh_token, { scope: 'write' }), 400, 'invalid_scope');
    expect((await refresh(f, f.conf, refreshed.body.refresh_token)).status).toBe(200);

    const denied = await request(f.app).get(`/oauth/authorize?${authorizeQuery(f.conf, { scope: 'write' })}`).set('Cookie', asUser());
    expect(denied.status).toBe(302);
    const location = new URL(denied.headers.location!);
    expect(`${location.origin}${location.pathname}`).toBe(f.conf.redirectUri);
    expect(location.searchParams.get('error')).toBe('invalid_scope');
    expect(location.searchParams.get('code')).toBeNull();
  });
});
