import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { readClientCredentials } from './client-auth';
import { OAuthError, temporarilyUnavailable } from './errors';
import { errorPage, sendHtml } from './http/html';
import { sendOAuthError } from './http/responses';
import type { ResolvedOptions } from './options';

/**
 * Brute-force protection (RFC 6749 §2.3.1, RFC 6819 §4.4.1.3): failed attempts are counted per
 * IP and per IP + client (per IP and per user on the consent form); past the limit every request
 * of that key gets 429 until the window ends, the right secret included. Successful requests cost
 * nothing, so a busy app refreshing for many users is never slowed. Counters live in Redis when
 * the site gives a client (every instance sees the same count) and in memory otherwise.
 * If the counter store fails, requests fail closed with 503 (O4).
 *
 * There is deliberately no count per client alone: a client_id is public, so such a count would
 * let anyone lock a real client out of the token endpoint by sending wrong secrets for it from
 * many addresses, and it buys nothing against guessing, since secrets, codes and tokens are 256
 * bits (PINs, the short codes, are only redeemed with the client's secret). A user key is kept on
 * the consent and device forms: only a holder of that user's session can spend it, and it caps
 * what one account can try (O3: "bounded per session and IP").
 */
export interface RateLimiters {
  /** Consent pages opened: each stores a transaction, so they are capped per user and IP (O3). */
  consentPage: RequestHandler;
  token: RequestHandler;
  decision: RequestHandler;
  introspection: RequestHandler;
}

type KeyReader = (req: Request) => string[] | Promise<string[]>;

export function createRateLimiters(options: ResolvedOptions): RateLimiters {
  const settings = options.rateLimit;
  if (!settings) {
    const pass: RequestHandler = (_req, _res, next) => next();
    return { consentPage: pass, token: pass, decision: pass, introspection: pass };
  }
  const make = (name: string, points = settings.failures): RateLimiterAbstract => {
    const base = { keyPrefix: `${settings.keyPrefix}${name}`, points, duration: settings.windowSeconds };
    return settings.redis ? new RateLimiterRedis({ ...base, storeClient: settings.redis as never }) : new RateLimiterMemory(base);
  };
  const clientAndIp: KeyReader = (req) => {
    let clientId: string | null = null;
    try {
      clientId = readClientCredentials(req.get('authorization'), flatBody(req), options.realm, options.compat.ignoreAuthorizationWithBodySecret).clientId;
    } catch { /* no readable client: the IP alone counts */ }
    // An IP has no spaces, so `ip client` cannot be forged from another pair.
    return [`ip:${req.ip}`, ...(clientId ? [`ip+client:${req.ip} ${clientId.slice(0, 200)}`] : [])];
  };
  const userAndIp: KeyReader = async (req) => {
    const user = await options.currentUser(req);
    return [`ip:${req.ip}`, ...(user ? [`user:${String(user.id)}`] : [])];
  };

  // Opening consent pages is normal use, so it gets more room than failures do.
  const pages = settings.failures * CONSENT_PAGES_PER_FAILURE;
  return {
    consentPage: limiter(make('consent', pages), userAndIp, pages, 'html', (res) => res.statusCode === 200),
    token: limiter(make('token'), clientAndIp, settings.failures, 'json'),
    decision: limiter(make('decision'), userAndIp, settings.failures, 'html'),
    introspection: limiter(make('introspect'), clientAndIp, settings.failures, 'json'),
  };
}

const CONSENT_PAGES_PER_FAILURE = 3;

/** A failed attempt, unless the endpoint said otherwise: `true` for a 2xx that is a failed guess, `false` for a 4xx that is not (a device's poll). */
function isFailure(res: Response): boolean {
  const verdict: unknown = res.locals.countsAsFailure;
  return typeof verdict === 'boolean' ? verdict : res.statusCode >= 400 && res.statusCode !== 429 && res.statusCode < 500;
}

function limiter(counter: RateLimiterAbstract, keysOf: KeyReader, limit: number, answer: 'json' | 'html',
  counts: (res: Response) => boolean = isFailure): RequestHandler {
  return async function rateLimit(req: Request, res: Response, next: NextFunction) {
    let keys: string[];
    let retryAfterMs = 0;
    try {
      keys = await keysOf(req);
      const states = await Promise.all(keys.map((key) => counter.get(key)));
      for (const state of states) {
        if (state && state.consumedPoints >= limit) retryAfterMs = Math.max(retryAfterMs, state.msBeforeNext);
      }
    } catch {
      refuse(res, temporarilyUnavailable(), answer);
      return;
    }
    if (retryAfterMs > 0) {
      const seconds = String(Math.max(1, Math.ceil(retryAfterMs / 1000)));
      refuse(res, new OAuthError(429, 'slow_down', 'Too many attempts; try again later.', { 'Retry-After': seconds }), answer);
      return;
    }
    res.on('finish', () => {
      if (counts(res)) for (const key of keys) counter.penalty(key, 1).catch(() => { /* a lost count is better than a crash */ });
    });
    next();
  };
}

function refuse(res: Response, error: OAuthError, answer: 'json' | 'html'): void {
  if (answer === 'json') {
    sendOAuthError(res, error);
    return;
  }
  for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
  sendHtml(res, error.status, errorPage(error.status === 429 ? 'Too many attempts' : 'Temporarily unavailable', error.message));
}

function flatBody(req: Request): Record<string, string> {
  const out: Record<string, string> = {};
  const body = req.body as Record<string, unknown> | undefined;
  if (body && typeof body === 'object') for (const [k, v] of Object.entries(body)) if (typeof v === 'string') out[k] = v;
  return out;
}
