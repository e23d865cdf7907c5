/** RFC 9728: protected resource metadata, the challenges that point to it, and the `resources` option's rules. */
import { describe, expect, it } from '@jest/globals';
import express from 'express';
import request from 'supertest';
import { ConfigurationError, createOAuthProvider, type OAuthProviderOptions } from '../../src';
import { memoryClientStore, memoryTokenStore } from '../../adapters/memory';
import { createFixture, tokensFor } from '../support/provider-fixture';
import { API, FILES, ISSUER, bearer, resourceFixture } from './fixture';

const API_METADATA = `${ISSUER}/.well-known/oauth-protected-resource/api`;

describe('protected resource metadata', () => {
  it('describes the resource at the well-known path inserted before its path', async () => {
    const f = await resourceFixture();
    const res = await request(f.app).get('/.well-known/oauth-protected-resource/api');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual({
      resource: API,
      authorization_servers: [ISSUER],
      scopes_supported: ['read', 'write'],
      bearer_methods_supported: ['header'],
      resource_documentation: 'https://forum.example/docs/api',
    });
  });

  it('lists every scope of the site when the resource names none, and no documentation when it has none', async () => {
    const f = await resourceFixture();
    const res = await request(f.app).get('/.well-known/oauth-protected-resource/v1');
    expect(res.body).toEqual({
      resource: FILES, authorization_servers: [ISSUER], scopes_supported: ['identity', 'read', 'write', 'admin'], bearer_methods_supported: ['header'],
    });
  });

  it('serves a resource at the root of its host at the bare well-known path', async () => {
    const f = await createFixture({ resources: [{ identifier: 'https://api.forum.example/' }] });
    f.app.use(f.oauth.protectedResourceMetadata);
    const res = await request(f.app).get('/.well-known/oauth-protected-resource');
    expect(res.status).toBe(200);
    expect(res.body.resource).toBe('https://api.forum.example/');
  });

  it('passes on other paths and methods, and every request when no resource is registered', async () => {
    const f = await resourceFixture();
    expect((await request(f.app).get('/.well-known/oauth-protected-resource/apix')).status).toBe(404);
    expect((await request(f.app).get('/.well-known/oauth-protected-resource')).status).toBe(404);
    expect((await request(f.app).post('/.well-known/oauth-protected-resource/api')).status).toBe(404);
    const plain = await createFixture();
    plain.app.use(plain.oauth.protectedResourceMetadata);
    expect((await request(plain.app).get('/.well-known/oauth-protected-resource/api')).status).toBe(404);
  });
});

describe('challenges of a resource route', () => {
  it('401 without a token names the resource metadata', async () => {
    const f = await resourceFixture();
    const res = await request(f.app).get('/api/v2/read');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe(`Bearer realm="forum.example", resource_metadata="${API_METADATA}"`);
  });

  it('401 invalid_token and 403 insufficient_scope name it too; a route without a resource does not', async () => {
    const f = await resourceFixture();
    const bad = await bearer(f, 'not-a-token', '/api/v2/read');
    expect(bad.status).toBe(401);
    expect(bad.headers['www-authenticate']).toContain(`resource_metadata="${API_METADATA}"`);
    expect(bad.headers['www-authenticate']).toContain('error="invalid_token"');
    const { access_token } = await tokensFor(f, f.conf, { scope: 'read' });
    const denied = await bearer(f, access_token, '/api/v2/me');
    expect(denied.status).toBe(403);
    expect(denied.headers['www-authenticate']).toContain('error="insufficient_scope"');
    expect(denied.headers['www-authenticate']).toContain(`resource_metadata="${API_METADATA}"`);
    const files = await request(f.app).get('/files/read');
    expect(files.headers['www-authenticate']).toContain('resource_metadata="https://files.forum.example/.well-known/oauth-protected-resource/v1"');
    const plain = await request(f.app).get('/api/read');
    expect(plain.headers['www-authenticate']).not.toContain('resource_metadata');
  });

  it('requireScope refuses a resource the provider does not have, at start-up', async () => {
    const f = await resourceFixture();
    expect(() => f.oauth.requireScope('read', { resource: 'https://elsewhere.example/api' })).toThrow(ConfigurationError);
    expect(() => f.oauth.requireScope('read', { resource: `${API}/` })).toThrow(ConfigurationError);
  });
});

describe('the resources option', () => {
  const base = (resources: unknown): OAuthProviderOptions => ({
    issuer: ISSUER, scopes: { read: 'Read' }, store: { clients: memoryClientStore(), tokens: memoryTokenStore() },
    currentUser: () => null, loginUrl: (r) => r, ...(resources === undefined ? {} : { resources: resources as NonNullable<OAuthProviderOptions['resources']> }),
  });

  it.each([
    ['a relative identifier', [{ identifier: '/api' }], 'an absolute URL'],
    ['a fragment', [{ identifier: 'https://forum.example/api#x' }], 'without a fragment'],
    ['a query', [{ identifier: 'https://forum.example/api?v=1' }], 'no query'],
    ['plain http off loopback', [{ identifier: 'http://forum.example/api' }], 'https'],
    ['another scheme', [{ identifier: 'urn:example:api' }], 'an absolute URL'],
    ['the same identifier twice', [{ identifier: API }, { identifier: API }], 'each identifier once'],
    ['two hosts with one metadata path', [{ identifier: API }, { identifier: 'https://other.example/api' }], 'metadata path'],
    ['an unknown field', [{ identifier: API, audience: 'x' }], 'audience'],
    ['a scope the site does not have', [{ identifier: API, scopes: ['write'] }], '"write"'],
  ])('refuses %s', (_what, resources, message) => {
    expect(() => createOAuthProvider(base(resources))).toThrow(ConfigurationError);
    expect(() => createOAuthProvider(base(resources))).toThrow(message);
  });

  it('takes https, and http on loopback', () => {
    expect(() => createOAuthProvider(base([
      { identifier: API }, { identifier: 'http://127.0.0.1:3000/api2' }, { identifier: 'http://localhost:8080/v3' }, { identifier: 'http://[::1]/v4' },
    ]))).not.toThrow();
  });

  it('is off by default: resource routes cannot be declared', () => {
    const oauth = createOAuthProvider(base(undefined));
    expect(() => oauth.requireScope('read', { resource: API })).toThrow(ConfigurationError);
    const app = express().use(oauth.protectedResourceMetadata);
    return request(app).get('/.well-known/oauth-protected-resource/api').expect(404);
  });
});
