import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type express from 'express';
import type { Response } from 'supertest';
import { callApi, type Fixture } from '../support/provider-fixture';

/**
 * Shared assertions of checklist groups E–P (docs/security-checklist.md). "OAuth JSON error X" and
 * "token dead/usable" are defined once under its "Test fixture"; keeping them here keeps every test honest
 * about all of their parts (headers included), not just the error code.
 */

const LEAK = /\n\s+at |node_modules|ECONNREFUSED|ioredis|knex|SELECT /;

export function expectOAuthError(res: Response, status: number, error: string | string[]): void {
  const errors = Array.isArray(error) ? error : [error];
  expect({ status: res.status, error: res.body?.error }).toEqual({ status, error: expect.stringMatching(new RegExp(`^(${errors.join('|')})$`)) });
  expect(res.headers['content-type']).toMatch(/^application\/json; ?charset=utf-8$/i);
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.headers.pragma).toBe('no-cache');
  expect(res.text).not.toMatch(LEAK);
  expect(res.body).not.toHaveProperty('access_token');
}

export async function expectUsable(f: Fixture, accessToken: string): Promise<void> {
  expect((await callApi(f, accessToken)).status).toBe(200);
}

export async function expectDead(f: Fixture, accessToken: string): Promise<void> {
  const res = await callApi(f, accessToken);
  expect(res.status).toBe(401);
  expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
}

export { LEAK };

/** Serves the app on 127.0.0.1 for requests supertest cannot shape (no Content-Type, raw bytes, huge URLs). */
export async function listen(app: express.Express): Promise<{ port: number; close: () => Promise<void> }> {
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/** One HTTP exchange with exactly the bytes given; a connection the server cut resolves as status 0. */
export function rawRequest(port: number, method: string, path: string, headers: Record<string, string>, body?: Buffer | string): Promise<RawResponse> {
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: '' }));
    });
    req.on('error', () => resolve({ status: 0, headers: {}, text: '' }));
    if (body !== undefined) req.end(body);
    else req.end();
  });
}

/**
 * Wraps a store so every call first yields to the event loop, as a networked store (Redis, SQL)
 * would. Without it the memory store answers within one tick and races never interleave.
 */
export function withLatency<T extends object>(store: T): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, method] of Object.entries(store)) {
    wrapped[name] = typeof method === 'function'
      ? async (...args: unknown[]) => { await new Promise((r) => setImmediate(r)); return (method as (...a: unknown[]) => unknown).apply(store, args); }
      : method;
  }
  return wrapped as T;
}
