import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect } from '@jest/globals';

/** What the README tests share: its sections' shell lines, a free port, the example forum, the person at the browser. */
const ROOT = path.resolve(__dirname, '../..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

/** Every shell line of the `## title` section's sh blocks, continuation lines joined, comments dropped. */
export function sectionLines(title: string): string[] {
  const section = README.split(/^## /m).find((part) => part.startsWith(title));
  if (!section) throw new Error(`README has no "${title}" section`);
  const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
  return blocks.join('\n').replace(/\\\n\s*/g, '').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
}

/** Takes the first line `test` accepts out of `lines`: every step is used once, and a lost step fails. */
export function takeLine(lines: string[], test: (line: string) => boolean): string {
  const index = lines.findIndex(test);
  if (index < 0) throw new Error('the README lost a step');
  return lines.splice(index, 1)[0]!;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Runs the README's `npm run example` line in its own process group (npm, tsx and the forum stop
 * together) and resolves with what it printed once the demo accounts are listed.
 */
async function startExample(commandLine: string, env: NodeJS.ProcessEnv): Promise<{ forum: ChildProcess; banner: string }> {
  const [program, ...args] = commandLine.split('#')[0]!.trim().split(/\s+/);
  const forum = spawn(program!, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const banner = await new Promise<string>((resolve, reject) => {
    let out = '';
    forum.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('alice / alice-password')) resolve(out);
    });
    forum.once('exit', (code) => reject(new Error(`npm run example exited (${code}): ${out}`)));
  });
  return { forum, banner };
}

function stopExample(forum: ChildProcess | null): void {
  if (forum?.pid) process.kill(-forum.pid, 'SIGTERM');
}

/** One README walkthrough's own example forum: its port, its environment and bash for the README's lines. */
export interface ReadmeForum {
  port: number;
  env: NodeJS.ProcessEnv;
  /** Runs a README line in bash in the checkout, with `localhost:3000` turned into this forum's port. */
  bash(command: string): string;
  /** Starts `npm run example` with the README's own command line; resolves with what it printed. */
  start(commandLine: string): Promise<string>;
}

/**
 * A forum of the walkthrough's own, on a free port and a temporary SQLite file, stopped and
 * deleted after the file's tests: only the port and the database differ from the README, so a
 * test never meets a forum someone left running.
 */
export function useReadmeForum(name: string): () => Promise<ReadmeForum> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${name}-`));
  let forum: ChildProcess | null = null;
  afterAll(() => {
    stopExample(forum);
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return async () => {
    const port = await freePort();
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), DATABASE_URL: `sqlite:${path.join(dir, 'forum.sqlite')}` };
    delete env.PUBLIC_URL;
    return {
      port,
      env,
      bash: (command) => execFileSync('bash', ['-c', command.replaceAll('localhost:3000', `localhost:${port}`)], {
        cwd: ROOT, env, encoding: 'utf8', timeout: 60_000,
      }),
      async start(commandLine) {
        const started = await startExample(commandLine, env);
        forum = started.forum;
        return started.banner;
      },
    };
  };
}

/** What the browser does: log in as alice through the real form, then press Allow. Returns the redirect. */
export async function logInAndAllow(authorizeUrl: string): Promise<URL> {
  let cookie = '';
  const go = async (url: string, init: RequestInit = {}) => {
    const res = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers ?? {}), cookie } });
    const set = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    if (set) cookie = set;
    return res;
  };
  const hidden = (html: string) => Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)]
    .map((m) => [m[1]!, m[2]!.replace(/&amp;/g, '&')]));
  const toLogin = await go(authorizeUrl);
  expect(toLogin.status).toBe(302);
  const loginUrl = new URL(toLogin.headers.get('location')!, authorizeUrl);
  const loginPage = await (await go(loginUrl.href)).text();
  const origin = loginUrl.origin;
  const post = (action: string, fields: Record<string, string>) => go(new URL(action, origin).href, {
    method: 'POST', body: new URLSearchParams(fields), headers: { 'content-type': 'application/x-www-form-urlencoded', origin },
  });
  const loggedIn = await post('/login', { ...hidden(loginPage), username: 'alice', password: 'alice-password' });
  expect(loggedIn.status).toBe(303);
  const consent = await (await go(new URL(loggedIn.headers.get('location')!, origin).href)).text();
  const action = /<form method="post" action="([^"]+)"/.exec(consent)?.[1];
  if (action === undefined) throw new Error(`no consent form: ${consent.slice(0, 2000)}`);
  const allowed = await post(action, { ...hidden(consent), decision: 'approve' });
  expect(allowed.status).toBe(303);
  return new URL(allowed.headers.get('location')!);
}
