/** What every scenario's server (ours and the peers') hands to the runner, and small helpers for building it. */
import type http from 'node:http';

export interface Load {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** One body per request; the runner never reuses one. */
  bodies?: string[];
  /** One set of extra headers (and body, if any) per request, e.g. a single-use DPoP proof; never reused either. */
  requests?: Array<{ headers: Record<string, string>; body?: string }>;
}

export interface Server {
  handler: http.RequestListener;
  load(n: number): Promise<Load>;
  /**
   * JSON members the start-up request's answer must have besides a 200, e.g. both tokens of a
   * grant: a peer misconfigured into answering something else would be measured doing less.
   */
  expect?: string[];
}

export const FORM = 'application/x-www-form-urlencoded';
export const TOKEN_FIELDS = ['access_token', 'refresh_token'];
export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
export const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
export const fixed = (load: Load) => async () => load;

/** One request of the kind the load phase sends, made by the server to itself before it reports ready. */
export async function selfCheck(name: string, server: Server, port: number): Promise<void> {
  const load = await server.load(1);
  const one = load.requests?.[0];
  const body = load.bodies?.[0] ?? one?.body ?? load.body;
  const response = await fetch(`http://127.0.0.1:${port}${load.path}`, {
    method: load.method, headers: { ...load.headers, ...one?.headers }, ...(body === undefined ? {} : { body }),
  });
  const text = await response.text();
  const missing = (server.expect ?? []).filter((field) => {
    try { return (JSON.parse(text) as Record<string, unknown>)[field] === undefined; } catch { return true; }
  });
  if (response.status !== 200 || missing.length) {
    throw new Error(`${name}: start-up request answered ${response.status}${missing.length ? ` without ${missing.join(', ')}` : ''}: ${text.slice(0, 300)}`);
  }
}
