import { execFileSync } from 'node:child_process';
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
  execFileSync(process.execPath, [TSC, '-p', path.join(ROOT, 'tsconfig.build.json'), '--outDir', path.join(pkg, 'dist')], { stdio: 'pipe' });
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
