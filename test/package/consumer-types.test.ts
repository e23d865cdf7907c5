import { execFileSync, spawn } from 'node:child_process';
import net from 'node:net';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

/**
 * The package as a host app's compiler sees it: built the way `npm pack` builds it, installed
 * under node_modules, and compiled against by a small host in each module mode people use:
 * NodeNext (ESM), Bundler, and CommonJS with the old `node10` resolution and without
 * esModuleInterop. Each must find the root export and the subpath adapters, and our .d.ts files
 * must compile under each host's settings.
 */
const ROOT = path.resolve(__dirname, '../..');
const TSC = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
let work: string;

beforeAll(() => {
  // Inside the project, so the host's node_modules lookups reach the project's dependencies.
  work = fs.mkdtempSync(path.join(ROOT, 'test-artifacts-consumer-'));
  const pkg = path.join(work, 'node_modules', 'express-oauth-provider');
  fs.mkdirSync(pkg, { recursive: true });
  try {
    execFileSync(process.execPath, [TSC, '-p', path.join(ROOT, 'tsconfig.build.json'), '--outDir', path.join(pkg, 'dist')], { stdio: 'pipe' });
  } catch (err) {
    throw new Error(`the package does not build:\n${String((err as { stdout?: Buffer }).stdout)}`);
  }
  fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(pkg, 'package.json'));
}, 120_000);

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

const HOST_ESM = `
import express from 'express';
import { createOAuthProvider, type OAuthProvider } from 'express-oauth-provider';
import { memoryClientStore, memoryTokenStore } from 'express-oauth-provider/adapters/memory';
import type { redisTokenStore } from 'express-oauth-provider/adapters/redis';
import type { knexClientStore } from 'express-oauth-provider/adapters/knex';
import type { runTokenStoreContract } from 'express-oauth-provider/testing';

const oauth: OAuthProvider = createOAuthProvider({
  issuer: 'https://forum.example',
  scopes: { read: 'Read posts' },
  store: { clients: memoryClientStore(), tokens: memoryTokenStore() },
  currentUser: () => null,
  loginUrl: (returnTo) => '/login?next=' + encodeURIComponent(returnTo),
});
const app = express();
app.use('/oauth', oauth.router);
app.get('/api', oauth.requireScope('read'), (req, res) => { res.json({ user: req.oauth?.userId ?? null }); });
export type Used = [typeof redisTokenStore, typeof knexClientStore, typeof runTokenStoreContract];
`;

const HOST_CJS = `
import express = require('express');
import { createOAuthProvider } from 'express-oauth-provider';
import { memoryClientStore, memoryTokenStore } from 'express-oauth-provider/adapters/memory';
import { redisTokenStore } from 'express-oauth-provider/adapters/redis';
import { knexClientStore } from 'express-oauth-provider/adapters/knex';

const oauth = createOAuthProvider({
  issuer: 'https://forum.example',
  scopes: { read: 'Read posts' },
  store: { clients: memoryClientStore(), tokens: memoryTokenStore() },
  currentUser: () => null,
  loginUrl: (returnTo) => '/login?next=' + encodeURIComponent(returnTo),
});
const app = express();
app.use('/oauth', oauth.router);
export const used = [redisTokenStore, knexClientStore];
`;

function compile(name: string, source: string, compilerOptions: Record<string, unknown>, packageType?: 'module') {
  const dir = path.join(work, name);
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'host.ts'), source);
  if (packageType) fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ type: packageType }));
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { strict: true, noEmit: true, target: 'ES2022', types: ['node'], typeRoots: [path.join(ROOT, 'node_modules', '@types')], ...compilerOptions },
    files: ['host.ts'],
  }));
  try {
    execFileSync(process.execPath, [TSC, '-p', dir], { stdio: 'pipe', cwd: dir });
    return '';
  } catch (err) {
    return String((err as { stdout?: Buffer }).stdout ?? err);
  }
}

describe('the published build', () => {
  it('ships source maps that carry their sources (the .ts files are not in the package)', () => {
    const map = JSON.parse(fs.readFileSync(path.join(work, 'node_modules', 'express-oauth-provider', 'dist', 'src', 'provider.js.map'), 'utf8'));
    expect(map.sourcesContent?.[0]).toContain('export function createOAuthProvider');
  });
});

describe('the published types in a host app', () => {
  it('compile with module NodeNext (ESM)', () => {
    expect(compile('nodenext', HOST_ESM, { module: 'NodeNext', moduleResolution: 'NodeNext' }, 'module')).toBe('');
  }, 60_000);

  it('compile with moduleResolution Bundler', () => {
    expect(compile('bundler', HOST_ESM, { module: 'ESNext', moduleResolution: 'Bundler', esModuleInterop: true })).toBe('');
  }, 60_000);

  it('compile with CommonJS, node10 resolution and esModuleInterop off', () => {
    expect(compile('commonjs', HOST_CJS, { module: 'CommonJS', moduleResolution: 'node10', esModuleInterop: false })).toBe('');
  }, 60_000);
});

/** The README's "Mount it in your app" block, as a host would save it: compiled in NodeNext mode, then run. */
describe("the README's host app", () => {
  it('compiles with session typing and serves metadata, login and a protected route', async () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const section = readme.split(/^## /m).find((part) => part.startsWith('Mount it in your app'))!;
    const source = /```ts\n([\s\S]*?)```/.exec(section)![1]!;
    const dir = path.join(work, 'host-app');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'server.ts'), source);
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        strict: true, target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', outDir: 'out',
        types: ['node'], typeRoots: [path.join(ROOT, 'node_modules', '@types')],
      },
      files: ['server.ts'],
    }));
    try {
      execFileSync(process.execPath, [TSC, '-p', dir], { stdio: 'pipe', cwd: dir });
    } catch (err) {
      throw new Error(`the README host app does not compile:\n${String((err as { stdout?: Buffer }).stdout)}`);
    }

    const port = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => {
        const { port: p } = probe.address() as net.AddressInfo;
        probe.close(() => resolve(p));
      });
    });
    const base = `http://127.0.0.1:${port}`;
    const host = spawn(process.execPath, [path.join(dir, 'out', 'server.js')], {
      cwd: dir, env: { ...process.env, PORT: String(port), PUBLIC_URL: base, NODE_ENV: 'test' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    host.stderr!.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    try {
      await new Promise<void>((resolve, reject) => {
        host.stdout!.on('data', (chunk: Buffer) => { if (chunk.toString().includes('listening on')) resolve(); });
        host.once('exit', (code) => reject(new Error(`the host app exited (${code}): ${stderr}`)));
      });
      const metadata = await fetch(`${base}/.well-known/oauth-authorization-server`);
      expect(metadata.status).toBe(200);
      expect(((await metadata.json()) as { issuer: string }).issuer).toBe(base);
      const toLogin = await fetch(`${base}/oauth/authorize?response_type=code&client_id=x`, { redirect: 'manual' });
      expect([302, 400]).toContain(toLogin.status);
      const login = await fetch(`${base}/login?next=%2Fapi%2Fv1%2Fme`, {
        method: 'POST', body: new URLSearchParams({ username: 'alice', password: 'alice-password' }), redirect: 'manual',
      });
      expect(login.status).toBe(303);
      expect(login.headers.get('location')).toBe('/api/v1/me');
      const api = await fetch(`${base}/api/v1/me`);
      expect(api.status).toBe(401);
      expect(api.headers.get('www-authenticate')).toMatch(/^Bearer realm=/);
    } finally {
      host.kill();
    }
    expect(stderr).not.toMatch(/Error|error TS/);
  }, 120_000);
});
