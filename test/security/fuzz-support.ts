import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type express from 'express';
import { parseGrantSecret } from '../../src/crypto';
import type { TokenStore } from '../../src/storage/token-store';

/**
 * Helpers of the property-based fuzz (checklist item N11, docs/security-checklist.md): a raw HTTP client that can send any
 * method, header and byte sequence, and a TokenStore wrapper that records every write with the
 * request that caused it.
 */

export interface RawRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer | null;
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

export interface Server {
  port: number;
  origin: string;
  send(request: RawRequest): Promise<RawResponse>;
  close(): Promise<void>;
}

/** One listening server on 127.0.0.1 and one keep-alive connection: thousands of requests stay cheap. */
export async function listen(app: express.Express): Promise<Server> {
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const send = (r: RawRequest) => new Promise<RawResponse>((resolve, reject) => {
    // Node frames GET/HEAD/DELETE/OPTIONS bodies only with an explicit length.
    const headers = r.body ? { ...r.headers, 'content-length': String(r.body.length) } : r.headers;
    const req = http.request({ host: '127.0.0.1', port, method: r.method, path: r.path, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.setTimeout(5000, () => req.destroy(new Error(`no answer within 5 s to ${r.method} ${r.path}`)));
    req.on('error', reject);
    req.end(r.body ?? undefined);
  });
  return {
    port,
    origin: `http://127.0.0.1:${port}`,
    send,
    close: () => new Promise<void>((resolve) => {
      agent.destroy();
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

export type WriteMethod = 'saveAuthorizationRequest' | 'deleteAuthorizationRequest' | 'saveCode' | 'consumeCode' | 'saveTokens'
  | 'consumeRefreshToken' | 'revokeAccessToken' | 'revokeGrant';

export interface RecordedWrite {
  method: WriteMethod;
  /** The grant the write touches (null for consent transactions). */
  grantId: string | null;
}

const WRITES: Record<WriteMethod, (args: unknown[]) => string | null> = {
  saveAuthorizationRequest: () => null,
  deleteAuthorizationRequest: () => null,
  saveCode: (args) => (args[0] as { grantId: string }).grantId,
  consumeCode: (args) => args[0] as string,
  saveTokens: (args) => (args[0] as { id: string }).id,
  consumeRefreshToken: (args) => args[0] as string,
  revokeAccessToken: (args) => args[0] as string,
  revokeGrant: (args) => args[0] as string,
};

/** A TokenStore that behaves like `inner` and appends every write call to `log`. */
export function recordingTokenStore(inner: TokenStore, log: RecordedWrite[]): TokenStore {
  return new Proxy(inner, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver) as unknown;
      if (typeof value !== 'function') return value;
      const method = (value as (...args: unknown[]) => Promise<unknown>).bind(target);
      if (typeof name !== 'string' || !(name in WRITES)) return method;
      const grantOf = WRITES[name as WriteMethod];
      return (...args: unknown[]) => {
        log.push({ method: name as WriteMethod, grantId: grantOf(args) });
        return method(...args);
      };
    },
  });
}

/** The grant id inside a presented code or token, or null when it cannot be one of ours. */
export function grantIdOf(value: string | undefined): string | null {
  return value === undefined ? null : (parseGrantSecret(value)?.grantId ?? null);
}

/**
 * application/x-www-form-urlencoded of any strings, lone surrogates included (they become
 * U+FFFD's UTF-8 bytes instead of throwing like encodeURIComponent).
 */
export function formEncode(entries: Array<[string, string]>): string {
  return entries.map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`).join('&');
}

export function percentEncode(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}
