import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { formTo } from './forms';

/**
 * The sign-in demo end to end, as `npm run example` runs it: the forum in a process of its own,
 * its demo relying party (openid-client, which jest's CommonJS runtime cannot load) discovering
 * the forum's issuer over real HTTP, a browser's redirects and cookie played by fetch. Needs the
 * protocol side of OpenID Connect (discovery, ID tokens, userinfo, end-session).
 */
const ROOT = path.resolve(__dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');

jest.setTimeout(60_000);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    }).on('error', reject);
  });
}

/** One browser: the forum's session cookie, redirects followed by hand so each hop can be checked. */
class Browser {
  cookie = '';
  constructor(private readonly origin: string) {}

  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const res = await fetch(new URL(url, this.origin), {
      ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), ...(this.cookie ? { cookie: this.cookie } : {}) },
    });
    const set = res.headers.getSetCookie().find((c) => c.startsWith('forum.sid='));
    if (set) this.cookie = set.split(';')[0]!.endsWith('=') ? '' : set.split(';')[0]!;
    return res;
  }

  /** Follows redirects from `url`; returns the last answer and every URL visited. */
  async follow(url: string, init: RequestInit = {}): Promise<{ res: Response; visited: string[] }> {
    const visited = [url];
    let res = await this.request(url, init);
    while (res.status >= 300 && res.status < 400) {
      const next = new URL(res.headers.get('location')!, new URL(visited.at(-1)!, this.origin)).href;
      visited.push(next);
      res = await this.request(next);
    }
    return { res, visited };
  }

  submit(html: string, action: string | ((f: ReturnType<typeof formTo>) => boolean), extra: Record<string, string> = {}) {
    const form = formTo(html, action);
    const body = new URLSearchParams({ ...form.fields, ...extra });
    if (form.method === 'get') return this.follow(`${form.action}?${body}`);
    return this.follow(form.action!, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded', origin: this.origin } });
  }
}

describe('the sign-in demo against the running forum', () => {
  let server: ChildProcess;
  let dir: string;
  let origin: string;
  let log = '';

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'forum-demo-'));
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: origin, DATABASE_URL: `sqlite:${path.join(dir, 'forum.sqlite')}` };
    delete env.REDIS_URL;
    delete env.OIDC_KEY_SECRET;
    server = spawn(TSX, ['example-app/server.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the forum did not start:\n${log}`)), 40_000);
      const onData = (chunk: Buffer) => {
        log += chunk.toString();
        if (log.includes('demo:') || log.includes('demo unavailable')) {
          clearTimeout(timer);
          resolve();
        }
      };
      server.stdout!.on('data', onData);
      server.stderr!.on('data', (chunk: Buffer) => { log += chunk.toString(); });
      server.on('exit', (code) => reject(new Error(`the forum exited (${code}):\n${log}`)));
    });
  });

  afterAll(async () => {
    if (server && server.exitCode === null) {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the key secret in a 0600 file beside the database and says so at start-up', () => {
    expect(log).toContain(`OpenID Connect signing keys encrypted with ${path.join(dir, 'oidc-key-secret')}`);
    expect(fs.statSync(path.join(dir, 'oidc-key-secret')).mode & 0o777).toBe(0o600);
    expect(log).toContain(`demo: ${origin}/demo/sign-in`);
  });

  it('signs alice in with a validated ID token and userinfo, then signs her out of the forum through end-session', async () => {
    const browser = new Browser(origin);
    const demo = await browser.follow('/demo/sign-in');
    expect(demo.res.status).toBe(200);
    const demoPage = await demo.res.text();
    expect(demoPage).not.toContain('The demo cannot run');

    // The button: authorize, then the forum's login (not signed in yet).
    const toLogin = await browser.submit(demoPage, '/demo/start');
    expect(toLogin.visited.some((u) => u.startsWith(`${origin}/oauth/authorize?`))).toBe(true);
    expect(toLogin.visited.at(-1)).toMatch(new RegExp(`^${origin}/login\\?next=`));
    const consent = await browser.submit(await toLogin.res.text(), '/login', { username: 'alice', password: 'alice-password' });
    const consentPage = await consent.res.text();
    expect(consentPage).toContain('Sign you in with your forum account');

    const back = await browser.submit(consentPage, (f) => f.body.includes('name="decision"'), { decision: 'approve' });
    expect(back.visited.at(-1)).toMatch(new RegExp(`^${origin}/demo/callback\\?`));
    const result = await back.res.text();
    if (back.res.status !== 200) throw new Error(result.slice(result.indexOf('<main>'), result.indexOf('</main>')));
    expect(result).toContain('Signed in with the forum');
    for (const shown of ['<code>iss</code>', `<dd>${origin}</dd>`, '<code>sub</code>', '<code>nonce</code>', '<code>auth_time</code>',
      '<dd>alice@example.com</dd>', '<dd>Alice Liddell</dd>', '<code>preferred_username</code>', '<dd>alice</dd>']) {
      expect(result).toContain(shown);
    }

    // Sign out: end-session with id_token_hint, back to the demo, and the forum session is gone.
    const signOut = formTo(result, (f) => 'id_token_hint' in f.fields);
    expect(signOut.fields.post_logout_redirect_uri).toBe(`${origin}/demo/sign-in`);
    const out = await browser.submit(result, (f) => 'id_token_hint' in f.fields);
    expect(out.visited.at(-1)).toMatch(new RegExp(`^${origin}/demo/sign-in`));
    const front = await (await browser.request('/')).text();
    expect(front).toContain('href="/login"');
    expect(front).not.toContain('Log out alice');
  });
});
