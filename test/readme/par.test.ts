import { describe, expect, it } from '@jest/globals';
import { logInAndAllow, sectionLines, takeLine, useReadmeForum } from './readme-support';

/**
 * The README's "Pushed authorization requests (PAR)" commands, run as written against `npm run
 * example` after the quick start's app and PKCE pair (read out of the README too): the push, the
 * authorization URL, the browser, the quick start's code exchange, and the CLI line that makes the
 * app push from then on.
 */
describe('the README PAR walkthrough', () => {
  const readmeForum = useReadmeForum('readme-par');

  it('pushes a request with curl, opens the printed URL, exchanges the code, then makes the app require PAR', async () => {
    const { env, bash, start } = await readmeForum();

    const quick = sectionLines('Try it in one minute');
    const fromQuick = (test: (line: string) => boolean) => takeLine(quick, test);
    await start(fromQuick((l) => l.startsWith('npm run example')));
    const app = JSON.parse(bash(fromQuick((l) => l.startsWith('npm run --silent cli -- clients create')))) as Record<string, string>;
    env.CLIENT_ID = app.client_id;
    env.CLIENT_SECRET = app.client_secret;
    const pair = bash(`${fromQuick((l) => l.startsWith('VERIFIER=$('))}\n${fromQuick((l) => l.startsWith('CHALLENGE=$('))}\nprintf '%s %s' "$VERIFIER" "$CHALLENGE"`).split(' ');
    [env.VERIFIER, env.CHALLENGE] = pair;

    const lines = sectionLines('Endpoints');
    const take = (test: (line: string) => boolean) => takeLine(lines, test);
    const pushed = JSON.parse(bash(take((l) => l.startsWith('curl') && l.includes('/oauth/par')))) as { request_uri: string; expires_in: number };
    expect(pushed).toEqual({ request_uri: expect.stringMatching(/^urn:ietf:params:oauth:request_uri:/), expires_in: 90 });
    env.REQUEST_URI = pushed.request_uri;
    take((l) => l.startsWith('REQUEST_URI='));
    const authorizeUrl = bash(take((l) => l.startsWith('node -e') && l.includes('request_uri'))).trim();
    expect(new URL(authorizeUrl).searchParams.get('request_uri')).toBe(pushed.request_uri);

    const callback = await logInAndAllow(authorizeUrl);
    expect(callback.searchParams.get('state')).toBe('xyz');
    env.CODE = callback.searchParams.get('code')!;
    const exchange = quick.find((l) => l.startsWith('curl') && l.includes('grant_type=authorization_code'))!;
    expect(JSON.parse(bash(exchange))).toMatchObject({ token_type: 'Bearer', scope: 'identity read' });

    bash(take((l) => l.startsWith('npm run --silent cli -- clients update')));
    const listed = JSON.parse(bash('npm run --silent cli -- clients list --json')) as { clients: Array<Record<string, unknown>> };
    expect(listed.clients.find((c) => c.client_id === app.client_id)).toMatchObject({ require_par: true });
  }, 120_000);
});
