import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { logInAndAllow, sectionLines, takeLine, useReadmeForum } from './readme-support';

/**
 * The README's "Try it in one minute", run as written: its commands are read out of the README
 * (not copied here), run in bash against `npm run example`, and the one step that needs a person
 * (log in, press Allow) is done over HTTP the way a browser would. Only the port and the database
 * file differ from the README, so that the test never meets a forum someone left running.
 */

describe('the README quick start', () => {
  const readmeForum = useReadmeForum('quick-start');

  it('takes a newcomer from npm run example to an approved app, a PKCE login, API calls, a refresh and a revoke', async () => {
    const { port, env, bash, start } = await readmeForum();
    const json = (command: string) => JSON.parse(bash(command)) as Record<string, string>;

    const lines = sectionLines('Try it in one minute');
    const take = (test: (line: string) => boolean) => takeLine(lines, test);

    expect(take((l) => l === 'npm ci')).toBe('npm ci');
    const banner = await start(take((l) => l.startsWith('npm run example')));
    // The URL the README tells people to open is the issuer that discovery will report.
    expect(banner).toContain(`Forum at http://localhost:${port} (the OAuth issuer`);
    const metadata = await (await fetch(`http://localhost:${port}/.well-known/oauth-authorization-server`)).json() as { issuer: string };
    expect(metadata.issuer).toBe(`http://localhost:${port}`);

    // 1. The app.
    const app = json(take((l) => l.startsWith('npm run --silent cli -- clients create')));
    expect(app).toEqual({ client_id: expect.any(String), client_secret: expect.any(String) });
    env.CLIENT_ID = app.client_id;
    env.CLIENT_SECRET = app.client_secret;
    take((l) => l.startsWith('CLIENT_ID='));
    take((l) => l.startsWith('CLIENT_SECRET='));

    // 2. The PKCE pair, made by the README's own commands, and the authorization URL.
    const verifierLine = take((l) => l.startsWith('VERIFIER=$('));
    const challengeLine = take((l) => l.startsWith('CHALLENGE=$('));
    const pair = bash(`${verifierLine}\n${challengeLine}\nprintf '%s %s' "$VERIFIER" "$CHALLENGE"`).split(' ');
    env.VERIFIER = pair[0]!;
    env.CHALLENGE = pair[1]!;
    expect(env.VERIFIER).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const authorizeUrl = bash(take((l) => l.startsWith('echo "http'))).trim();
    expect(authorizeUrl).toContain(`code_challenge=${env.CHALLENGE}`);

    // 3. The browser.
    const callback = await logInAndAllow(authorizeUrl);
    expect(`${callback.origin}${callback.pathname}`).toBe('http://127.0.0.1:8080/cb');
    expect(callback.searchParams.get('state')).toBe('xyz');
    expect(callback.searchParams.get('iss')).toBe(`http://localhost:${port}`);
    env.CODE = callback.searchParams.get('code')!;
    take((l) => l.startsWith('CODE='));

    // 4-7. The curl commands, in the README's order.
    const curls = lines.filter((l) => l.startsWith('curl '));
    expect(curls).toHaveLength(6);
    const tokens = JSON.parse(bash(curls[0]!)) as Record<string, string | number>;
    expect(tokens).toMatchObject({ token_type: 'Bearer', scope: 'identity read', scopes: 'identity,read', expires_in: 3600 });
    env.ACCESS_TOKEN = String(tokens.access_token);
    env.REFRESH_TOKEN = String(tokens.refresh_token);
    expect(JSON.parse(bash(curls[1]!))).toMatchObject({ username: 'alice' });
    expect(JSON.parse(bash(curls[2]!))).toEqual({ data: expect.any(Array) });
    const refreshed = JSON.parse(bash(curls[3]!)) as Record<string, string>;
    expect(refreshed.access_token).toEqual(expect.any(String));
    expect(refreshed.refresh_token).toBe(env.REFRESH_TOKEN);
    expect(JSON.parse(bash(curls[4]!))).toEqual({});
    expect(JSON.parse(bash(curls[5]!))).toMatchObject({ error: 'invalid_token' });
  }, 120_000);

  it('computes the PKCE challenge of any verifier, also one that starts with "-" (1 in 64 of them), which node would read as an option', () => {
    const challengeLine = takeLine(sectionLines('Try it in one minute'), (l) => l.startsWith('CHALLENGE=$('));
    const verifier = `-${'a'.repeat(42)}`;
    const printed = execFileSync('bash', ['-c', `${challengeLine}\nprintf '%s' "$CHALLENGE"`], { env: { ...process.env, VERIFIER: verifier }, encoding: 'utf8' });
    expect(printed).toBe(createHash('sha256').update(verifier).digest('base64url'));
  });
});
