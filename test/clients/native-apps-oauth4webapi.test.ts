import { useLibraryForum } from './forum-server';
import { runClientScript } from './run-client';
import type { Tokens } from './shared-assertions';

// RFC 8252 native apps on oauth4webapi against the real example forum: a desktop app registered
// with a portless loopback URI logs in from whatever port it got, and one with a private-use scheme.
describe('oauth4webapi as a native app (RFC 8252)', () => {
  const lib = useLibraryForum('oauth4webapi');

  const login = (clientId: string, redirectUri: string, port?: 'random') => runClientScript<{ redirectUri: string; location: string; tokens: Tokens; error?: unknown }>(
    'oauth4webapi-native', { issuer: lib.forum.url, clientId, redirectUri, scope: 'identity read', ...(port ? { port } : {}) });

  it('logs in with PKCE from a random loopback port and calls the API', async () => {
    const app = await lib.forum.register({ isPublic: true, redirectUri: 'http://127.0.0.1/cb' });
    const flow = await login(app.clientId, app.redirectUri, 'random');
    expect(flow.error).toBeUndefined();
    expect(flow.redirectUri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/cb$/);
    expect(flow.location.startsWith(`${flow.redirectUri}?code=`)).toBe(true);
    expect(await lib.forum.apiStatus('/api/v1/identity', flow.tokens.access_token)).toBe(200);
  });

  it('logs in with PKCE through a private-use scheme and calls the API', async () => {
    const app = await lib.forum.register({ isPublic: true, redirectUri: 'com.example.app:/cb' });
    const flow = await login(app.clientId, app.redirectUri);
    expect(flow.error).toBeUndefined();
    expect(flow.location.startsWith('com.example.app:/cb?code=')).toBe(true);
    expect(await lib.forum.apiStatus('/api/v1/identity', flow.tokens.access_token)).toBe(200);
  });
});
