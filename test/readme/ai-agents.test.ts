import { describe, expect, it } from '@jest/globals';
import { logInAndAllow, sectionLines, takeLine, useReadmeForum } from './readme-support';

/**
 * The README's "Let AI agents use your API", run as written against `npm run example` (the forum
 * is started with the quick start's own command): every shell line is read out of the README and
 * run in bash; the person's login and Allow are done over HTTP.
 */
describe('the README walkthrough for AI agents', () => {
  const readmeForum = useReadmeForum('agent-walk');

  it('takes an agent from the API URL to a registered, approved app and a token bound to the API', async () => {
    const { port, env, bash, start } = await readmeForum();
    const origin = `http://localhost:${port}`;

    await start(takeLine(sectionLines('Try it in one minute'), (l) => l.startsWith('npm run example')));
    const lines = sectionLines('Let AI agents use your API');
    const take = (test: (line: string) => boolean) => takeLine(lines, test);

    // 1-3. Discovery from the API's challenge.
    expect(bash(take((l) => l.startsWith('curl -si')))).toMatch(
      new RegExp(`^www-authenticate: Bearer .*resource_metadata="${origin}/\\.well-known/oauth-protected-resource/api"`, 'im'),
    );
    expect(JSON.parse(bash(take((l) => l.includes('/.well-known/oauth-protected-resource/api'))))).toMatchObject({
      resource: `${origin}/api`, authorization_servers: [origin], bearer_methods_supported: ['header'],
    });
    expect(bash(take((l) => l.includes('/.well-known/oauth-authorization-server'))).trim()).toBe(`"registration_endpoint":"${origin}/oauth/register"`);

    // 4-5. Registration and the admin's approval.
    const registered = JSON.parse(bash(take((l) => l.includes('/oauth/register')))) as Record<string, unknown>;
    expect(registered).toMatchObject({ client_id: expect.any(String), registration_access_token: expect.any(String), token_endpoint_auth_method: 'none' });
    expect(registered).not.toHaveProperty('client_secret');
    env.AGENT_ID = String(registered.client_id);
    take((l) => l.startsWith('AGENT_ID='));
    bash(take((l) => l.startsWith('npm run --silent cli -- clients approve')));

    // 6. PKCE, the authorization URL with the resource, and the person at the browser.
    const pair = bash(`${take((l) => l.startsWith('VERIFIER=$('))}\n${take((l) => l.startsWith('CHALLENGE=$('))}\nprintf '%s %s' "$VERIFIER" "$CHALLENGE"`).split(' ');
    env.VERIFIER = pair[0]!;
    env.CHALLENGE = pair[1]!;
    const authorizeUrl = bash(take((l) => l.startsWith('echo "http'))).trim();
    const callback = await logInAndAllow(authorizeUrl);
    expect(`${callback.origin}${callback.pathname}`).toBe('http://127.0.0.1:54321/callback');
    env.CODE = callback.searchParams.get('code')!;
    take((l) => l.startsWith('CODE='));

    // 7. The token and the API call.
    const curls = lines.filter((l) => l.startsWith('curl '));
    expect(curls).toHaveLength(2);
    const tokens = JSON.parse(bash(curls[0]!)) as Record<string, string>;
    expect(tokens).toMatchObject({ token_type: 'Bearer', scope: 'identity read' });
    env.ACCESS_TOKEN = tokens.access_token;
    expect(JSON.parse(bash(curls[1]!))).toMatchObject({ username: 'alice' });
  }, 120_000);
});
