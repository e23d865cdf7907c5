import { startForum, type ForumServer } from './forum-server';
import { runClientScript } from './run-client';

interface Login {
  authorizationUrl: string;
  callback: string;
  callbackStatus: number;
  page: string;
  session: { username: string; accessToken: string; refreshToken: string; tokenType: string; scope: string } | null;
}

// A consumer app built on passport + passport-oauth2 logs alice in with the real example forum.
describe('passport-oauth2 consumer app ("log in with the forum")', () => {
  let forum: ForumServer;

  beforeAll(async () => {
    forum = await startForum();
  });
  afterAll(() => forum.close());

  const logIn = (pkce: boolean, username = 'alice', decision = 'approve') => runClientScript<Login>('passport-oauth2', { issuer: forum.url, pkce, username, decision }, {
    register: ({ redirectUri }: { redirectUri: string }) => forum.register({ redirectUri }),
  });

  it.each([['state', false], ['state + PKCE', true]] as const)('%s: the consumer shows the forum username and holds working tokens', async (_label, pkce) => {
    const login = await logIn(pkce);
    const authorize = new URL(login.authorizationUrl);
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${forum.url}/oauth/authorize`);
    expect(authorize.searchParams.get('state')).toEqual(expect.any(String));
    expect(authorize.searchParams.get('code_challenge_method')).toBe(pkce ? 'S256' : null);

    const callback = new URL(login.callback);
    expect(callback.searchParams.get('state')).toBe(authorize.searchParams.get('state'));
    expect(callback.searchParams.get('iss')).toBe(forum.url);
    expect(login.callbackStatus).toBe(302);
    expect(login.page).toBe('Logged in as alice');
    expect(login.session).toEqual({ username: 'alice', accessToken: expect.any(String), refreshToken: expect.any(String), tokenType: 'Bearer', scope: 'identity read' });
    expect(await forum.apiStatus('/api/v1/front/listing', login.session!.accessToken)).toBe(200);
  });

  it('alice denying: the consumer hears access_denied at its callback and logs nobody in', async () => {
    const login = await logIn(true, 'alice', 'deny');
    const callback = new URL(login.callback);
    expect(callback.searchParams.get('error')).toBe('access_denied');
    expect(callback.searchParams.get('code')).toBeNull();
    expect(login.page).toBe('Login with the forum failed');
    expect(login.session).toBeNull();
  });

  it('bob logging in through the same consumer is shown as bob', async () => {
    expect((await logIn(true, 'bob')).page).toBe('Logged in as bob');
  });
});
