import { startForum, type ForumServer } from './forum-server';
import { runClientScript } from './run-client';

// The "done when" for DPoP: a public client on oauth4webapi gets DPoP-bound tokens from the
// example forum and calls its API with them; the token alone, copied elsewhere, gets 401.
describe('oauth4webapi with DPoP (RFC 9449) against the example forum', () => {
  let forum: ForumServer;
  beforeAll(async () => { forum = await startForum(); });
  afterAll(() => forum.close());

  it('a public client gets DPoP-bound tokens and calls the API; the copied token is useless, and so is its refresh token with another key', async () => {
    const app = await forum.register({ isPublic: true });
    const result = await runClientScript('oauth4webapi-dpop', {
      issuer: forum.url, clientId: app.clientId, redirectUri: app.redirectUri, scope: 'identity read', api: `${forum.url}/api/v1/identity`,
    });
    expect(result).toEqual({
      token_type: 'dpop',
      api: { status: 200, body: expect.objectContaining({ username: 'alice' }) },
      copied: { status: 401, challenge: expect.stringMatching(/^DPoP error="invalid_token"/) },
      copiedAsDpop: 401,
      refreshed: 'dpop',
      stolenRefresh: 'invalid_grant',
    });
  });
});
