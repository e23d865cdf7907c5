import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import knexFactory from 'knex';
import request from 'supertest';
import { knexClientStore, knexTokenStore } from '../../adapters/knex';
import { knexConfig } from '../../example-app/storage';
import { memoryTokenStore } from '../../adapters/memory';
import { createForumOAuth } from '../../example-app/provider';
import { makeAuthorizationRequest } from '../../src/testing/fixtures';

// The CLI as scripts use it: a child process, one JSON object on stdout, errors on stderr.
const ROOT = path.resolve(__dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');

jest.setTimeout(60_000);

let dir: string;
let databaseFile: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'forum-cli-'));
  databaseFile = path.join(dir, 'forum.sqlite');
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

interface Run { code: number; stdout: string; stderr: string }

function cli(...args: string[]): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: `sqlite:${databaseFile}` };
  delete env.REDIS_URL;
  return new Promise((resolve) => {
    execFile(TSX, ['example-app/cli.ts', ...args], { cwd: ROOT, env, timeout: 50_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: unknown }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** stdout must be exactly one JSON object: nothing before or after it. */
async function cliJson(...args: string[]): Promise<Record<string, unknown>> {
  const run = await cli(...args, '--json');
  if (run.code !== 0) throw new Error(`cli ${args.join(' ')} exited ${run.code}: ${run.stderr}`);
  return JSON.parse(run.stdout) as Record<string, unknown>;
}

const REDIRECT = 'http://127.0.0.1:8123/cb';

describe('the CLI (npm run --silent cli -- ...)', () => {
  let pendingId: string;

  it('creates an approved confidential client and prints its id and secret as JSON', async () => {
    const out = await cliJson('clients', 'create', '--name', 'Script app', '--redirect-uri', REDIRECT,
      '--redirect-uri', 'https://app.example/cb', '--scopes', 'identity,read', '--owner', 'alice', '--approve');
    expect(out).toEqual({ client_id: expect.any(String), client_secret: expect.any(String) });
    expect(out.client_secret).not.toBe(out.client_id);
    // The database keeps a hash: the plain secret must not be anywhere in the file.
    const bytes = Buffer.concat([fs.readFileSync(databaseFile), ...(fs.existsSync(`${databaseFile}-wal`) ? [fs.readFileSync(`${databaseFile}-wal`)] : [])]);
    expect(bytes.includes(Buffer.from(String(out.client_secret)))).toBe(false);
  });

  it('creates a public client with no secret', async () => {
    const out = await cliJson('clients', 'create', '--name', 'Phone app', '--redirect-uri', REDIRECT, '--public', '--approve');
    expect(out.client_id).toEqual(expect.any(String));
    expect(out.client_secret).toBeUndefined();
  });

  it('lists clients as JSON, filtered by status and owner', async () => {
    pendingId = String((await cliJson('clients', 'create', '--name', 'Waiting app', '--redirect-uri', REDIRECT, '--owner', 'bob')).client_id);
    const pending = await cliJson('clients', 'list', '--status', 'pending');
    expect(pending.clients).toEqual([expect.objectContaining({ client_id: pendingId, name: 'Waiting app', status: 'pending', public: false })]);
    const all = (await cliJson('clients', 'list')).clients as Array<{ name: string }>;
    expect(all.map((c) => c.name).sort()).toEqual(['Phone app', 'Script app', 'Waiting app']);
    const bobs = (await cliJson('clients', 'list', '--owner', 'bob')).clients as Array<{ name: string }>;
    expect(bobs.map((c) => c.name)).toEqual(['Waiting app']);
  });

  it('approves a pending client and prints its new secret', async () => {
    const out = await cliJson('clients', 'approve', pendingId);
    expect(out).toEqual({ client_id: pendingId, client_secret: expect.any(String) });
  });

  it('creates a resource server allowed the implicit redirect, with the default scopes when --scopes is absent', async () => {
    const id = String((await cliJson('clients', 'create', '--name', 'API gateway', '--redirect-uri', REDIRECT, '--resource-server', '--implicit', '--approve')).client_id);
    const listed = (await cliJson('clients', 'list')).clients as Array<Record<string, unknown>>;
    expect(listed.find((c) => c.client_id === id)).toMatchObject({
      resource_server: true, implicit: true, scopes: ['identity', 'read'], pending_change: null, public: false,
    });
    expect(listed.find((c) => c.name === 'Script app')).toMatchObject({ resource_server: false, implicit: false });
    const table = await cli('clients', 'list');
    expect(table.stdout).toMatch(new RegExp(`${id}\\s+approved\\s+confidential\\+resource-server\\+implicit\\s+API gateway`));
  });

  it('creates a client allowed client_credentials with --client-credentials', async () => {
    const id = String((await cliJson('clients', 'create', '--name', 'Nightly job', '--redirect-uri', REDIRECT, '--client-credentials', '--approve')).client_id);
    const listed = (await cliJson('clients', 'list')).clients as Array<Record<string, unknown>>;
    expect(listed.find((c) => c.client_id === id)).toMatchObject({ client_credentials: true, resource_server: false, implicit: false });
    expect(listed.find((c) => c.name === 'Script app')).toMatchObject({ client_credentials: false });
    const table = await cli('clients', 'list');
    expect(table.stdout).toMatch(new RegExp(`${id}\\s+approved\\s+confidential\\+client-credentials\\s+Nightly job`));
  });

  it('creates a client that must push its requests with --require-par, and turns it off and on with clients update', async () => {
    const id = String((await cliJson('clients', 'create', '--name', 'Bank app', '--redirect-uri', REDIRECT, '--require-par', '--approve')).client_id);
    const listed = (await cliJson('clients', 'list')).clients as Array<Record<string, unknown>>;
    expect(listed.find((c) => c.client_id === id)).toMatchObject({ require_par: true });
    expect(listed.find((c) => c.name === 'Script app')).toMatchObject({ require_par: false });
    expect((await cli('clients', 'list')).stdout).toMatch(new RegExp(`${id}\\s+approved\\s+confidential\\+par\\s+Bank app`));
    expect(await cliJson('clients', 'update', id, '--no-require-par')).toEqual({ client_id: id, require_par: false });
    expect(await cliJson('clients', 'update', id, '--require-par')).toEqual({ client_id: id, require_par: true });
    const neither = await cli('clients', 'update', id, '--json');
    expect(neither).toEqual({ code: 1, stdout: '', stderr: expect.stringContaining('--require-par, --no-require-par') });
  });

  it('refuses --resource-server, --implicit and --client-credentials for a public client, and stores nothing', async () => {
    const before = ((await cliJson('clients', 'list')).clients as unknown[]).length;
    for (const flag of ['--resource-server', '--implicit', '--client-credentials']) {
      const run = await cli('clients', 'create', '--name', 'Phone gateway', '--redirect-uri', REDIRECT, '--public', flag, '--json');
      expect(run).toEqual({ code: 1, stdout: '', stderr: expect.stringContaining('only a confidential client can have it') });
    }
    expect(((await cliJson('clients', 'list')).clients as unknown[]).length).toBe(before);
  });

  it('creates native apps (RFC 8252) with --public: a portless loopback address and a private-use scheme', async () => {
    const out = await cliJson('clients', 'create', '--name', 'Desktop app', '--redirect-uri', 'http://127.0.0.1/cb',
      '--redirect-uri', 'com.example.app:/cb', '--public', '--approve');
    expect(out).toEqual({ client_id: expect.any(String) });
    const listed = (await cliJson('clients', 'list')).clients as Array<{ client_id: string; redirect_uris: string[] }>;
    expect(listed.find((c) => c.client_id === out.client_id)?.redirect_uris).toEqual(['http://127.0.0.1/cb', 'com.example.app:/cb']);
  });

  it.each([
    ['com.example.app:/cb', 'only a public client'],
  ])('refuses %s without --public, and stores nothing', async (uri, message) => {
    const before = ((await cliJson('clients', 'list')).clients as unknown[]).length;
    const run = await cli('clients', 'create', '--name', 'Desktop app', '--redirect-uri', uri, '--json');
    expect(run).toEqual({ code: 1, stdout: '', stderr: expect.stringContaining(message) });
    expect(((await cliJson('clients', 'list')).clients as unknown[]).length).toBe(before);
  });

  it.each([['U+202E', '\u202E'], ['U+200F', '\u200F']])(
    'refuses a name with %s and stores nothing', async (codePoint, char) => {
      const run = await cli('clients', 'create', '--name', `Photo${char}gpj.exe`, '--redirect-uri', REDIRECT, '--json');
      expect(run).toEqual({ code: 1, stdout: '', stderr: expect.stringContaining(`(found ${codePoint})`) });
      const names = ((await cliJson('clients', 'list')).clients as Array<{ name: string }>).map((c) => c.name);
      expect(names.some((name) => name.startsWith('Photo'))).toBe(false);
    });

  it('lists the change waiting on an approved client, and approve / deny act on that change', async () => {
    // The owner's edit, as the apps tab makes it, straight on the CLI's database.
    const knex = knexFactory(knexConfig(`sqlite:${databaseFile}`));
    const oauth = createForumOAuth({ publicUrl: 'http://localhost:3000', stores: { clients: knexClientStore(knex), tokens: memoryTokenStore() } });
    try {
      const id = String((await cliJson('clients', 'create', '--name', 'Reviewed', '--redirect-uri', REDIRECT, '--public', '--approve')).client_id);
      expect((await oauth.clients.update(id, { name: 'Reviewed v2', isPublic: false })).pendingReview).toBe(true);
      const listed = ((await cliJson('clients', 'list', '--status', 'approved')).clients as Array<Record<string, unknown>>).find((c) => c.client_id === id);
      expect(listed).toMatchObject({ name: 'Reviewed', public: true, pending_change: { name: 'Reviewed v2', public: false, requested_at: expect.any(String) } });
      expect((await cli('clients', 'list')).stdout).toMatch(new RegExp(`${id}\\s+approved\\+change\\s+public\\s+Reviewed`));

      // Public to confidential: the approval of the change makes the first secret, printed once.
      expect(await cliJson('clients', 'approve', id)).toEqual({ client_id: id, change: 'approved', client_secret: expect.any(String) });
      expect(await oauth.clients.get(id)).toMatchObject({ name: 'Reviewed v2', isPublic: false, pendingChange: null });

      await oauth.clients.update(id, { name: 'Reviewed v3' });
      expect(await cliJson('clients', 'deny', id)).toEqual({ client_id: id, status: 'approved', change: 'denied' });
      expect(await oauth.clients.get(id)).toMatchObject({ name: 'Reviewed v2', pendingChange: null });
      // Nothing left to review: approving an approved app is the usual status error.
      expect((await cli('clients', 'approve', id, '--json')).stderr).toContain('it can be approved only when pending or denied');
    } finally {
      await knex.destroy();
    }
  });

  it('denies a pending client', async () => {
    const id = String((await cliJson('clients', 'create', '--name', 'Spam app', '--redirect-uri', REDIRECT)).client_id);
    expect(await cliJson('clients', 'deny', id)).toEqual({ client_id: id, status: 'denied' });
  });

  it('purges expired codes and transactions from SQL, and nothing live', async () => {
    const knex = knexFactory(knexConfig(`sqlite:${databaseFile}`));
    try {
      const tokens = knexTokenStore(knex);
      const expired = makeAuthorizationRequest({ expiresAt: new Date(Date.now() - 60_000) });
      const live = makeAuthorizationRequest();
      await tokens.saveAuthorizationRequest(expired);
      await tokens.saveAuthorizationRequest(live);
      const count = () => knex('oauth_authorization_requests').whereIn('id', [expired.id, live.id]).count({ n: '*' }).first();
      expect(Number((await count())?.n)).toBe(2);

      expect(await cliJson('purge')).toEqual({ purged: expect.any(Number) });
      expect(await knex('oauth_authorization_requests').whereIn('id', [expired.id, live.id]).pluck('id')).toEqual([live.id]);
    } finally {
      await knex.destroy();
    }
  });

  it('prints errors to stderr with exit code 1 and nothing on stdout', async () => {
    const unknown = await cli('clients', 'deny', 'no-such-client', '--json');
    expect(unknown).toEqual({ code: 1, stdout: '', stderr: expect.stringContaining('No client with id') });
    const badUri = await cli('clients', 'create', '--name', 'x', '--redirect-uri', 'http://evil.example/cb', '--json');
    expect(badUri).toEqual({ code: 1, stdout: '', stderr: expect.stringContaining('must use https') });
    const badOption = await cli('clients', 'create', '--bogus', '--json');
    expect(badOption.code).toBe(1);
    expect(badOption.stdout).toBe('');
  });

  it('creates an OpenID Connect app with --scopes openid,profile,email, --post-logout-redirect-uri and --id-token-alg', async () => {
    const out = await cliJson('clients', 'create', '--name', 'Sign-in app', '--redirect-uri', REDIRECT, '--scopes', 'openid,profile,email',
      '--post-logout-redirect-uri', 'http://127.0.0.1:8123/bye', '--post-logout-redirect-uri', 'https://app.example/bye',
      '--id-token-alg', 'ES256', '--approve');
    expect(out).toEqual({ client_id: expect.any(String), client_secret: expect.any(String) });
    const listed = ((await cliJson('clients', 'list')).clients as Array<Record<string, unknown>>).find((c) => c.client_id === out.client_id);
    expect(listed).toMatchObject({
      scopes: ['openid', 'profile', 'email'], post_logout_redirect_uris: ['http://127.0.0.1:8123/bye', 'https://app.example/bye'], id_token_alg: 'ES256',
    });
  });

  it('refuses an --id-token-alg other than RS256 or ES256, before storing anything', async () => {
    const run = await cli('clients', 'create', '--name', 'HS app', '--redirect-uri', REDIRECT, '--id-token-alg', 'HS256', '--json');
    expect(run).toEqual({ code: 1, stdout: '', stderr: expect.stringContaining('--id-token-alg must be one of RS256, ES256') });
    const names = ((await cliJson('clients', 'list')).clients as Array<{ name: string }>).map((c) => c.name);
    expect(names).not.toContain('HS app');
  });
  it('approves apps that registered themselves (POST /oauth/register): a confidential one keeps the secret it got then', async () => {
    const knex = knexFactory(knexConfig(`sqlite:${databaseFile}`));
    const oauth = createForumOAuth({ publicUrl: 'http://localhost:3000', stores: { clients: knexClientStore(knex), tokens: memoryTokenStore() } });
    const app = express().use('/oauth', oauth.router);
    try {
      const register = (body: object) => request(app).post('/oauth/register').send({ redirect_uris: ['https://agent.example/cb'], scope: 'read', ...body });
      const confidential = (await register({ client_name: 'Registered server' })).body as { client_id: string };
      const native = (await register({ client_name: 'Registered agent', token_endpoint_auth_method: 'none' })).body as { client_id: string };
      const pending = ((await cliJson('clients', 'list', '--status', 'pending')).clients as Array<{ client_id: string }>).map((c) => c.client_id);
      expect(pending).toEqual(expect.arrayContaining([confidential.client_id, native.client_id]));

      expect(await cliJson('clients', 'approve', confidential.client_id)).toEqual({ client_id: confidential.client_id });
      const text = await cli('clients', 'approve', native.client_id);
      expect(text.stdout).toContain('Public client: no secret.');
      expect(await oauth.clients.get(confidential.client_id)).toMatchObject({ status: 'approved', origin: 'registration' });
      expect(await oauth.clients.get(native.client_id)).toMatchObject({ status: 'approved', isPublic: true });
    } finally {
      await knex.destroy();
    }
  });
});
