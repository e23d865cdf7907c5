import { randomBytes } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import session from 'express-session';
import type { ForumDb, User } from './forum-db';
import type { Flash } from './views/layout';

declare module 'express-session' {
  interface SessionData {
    userId: string;
    username: string;
    csrf: string;
    flash: Flash;
    /** When this session's user last entered their password (epoch ms): OpenID Connect's `auth_time`. */
    authTime: number;
    /** The sign-in demo's flow in progress (routes/demo.ts): the relying party's own secrets. */
    demoFlow: { state: string; nonce: string; codeVerifier: string };
  }
}

export const SESSION_COOKIE = 'forum.sid';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** The logged-in forum user, read fresh from the database on every request. */
      forumUser?: User | null;
    }
  }
}

export function sessionMiddleware(options: { secret: string | undefined; publicUrl: string }): RequestHandler {
  return session({
    name: SESSION_COOKIE,
    // A random secret per start logs everyone out on restart: fine for a demo, wrong in production.
    secret: options.secret ?? randomBytes(32).toString('base64url'),
    resave: false,
    saveUninitialized: false,
    cookie: {
      httpOnly: true,
      sameSite: 'lax',
      // 'auto' marks the cookie Secure whenever the request came over TLS (trust proxy is set for https).
      secure: options.publicUrl.startsWith('https:') ? 'auto' : false,
      maxAge: 24 * 3600 * 1000,
    },
  });
}

/** Loads req.forumUser from the session; a deleted user's session simply stops counting. */
export function loadUser(db: ForumDb): RequestHandler {
  return async function loadForumUser(req, _res, next) {
    const id = req.session?.userId;
    req.forumUser = id ? await db.users.findById(id) : null;
    next();
  };
}

export function requireLogin(req: Request, res: Response, next: NextFunction): void {
  if (req.forumUser) return next();
  const back = req.method === 'GET' ? req.originalUrl : '/';
  res.redirect(303, `/login?next=${encodeURIComponent(back)}`);
}

/**
 * Starts a fresh session for a login, so a session id planted before it is worthless (fixation).
 * A sign-in demo in progress moves over: it grants nothing, and its callback comes after the login.
 */
export async function regenerateSession(req: Request): Promise<void> {
  const demoFlow = req.session.demoFlow;
  await new Promise<void>((resolve, reject) => req.session.regenerate((err: unknown) => (err ? reject(err) : resolve())));
  if (demoFlow) req.session.demoFlow = demoFlow;
}

/** A password was just checked: the session starts over with this user and a new auth time. */
export async function logInSession(req: Request, user: { id: string; username: string }): Promise<void> {
  await regenerateSession(req);
  req.session.userId = user.id;
  req.session.username = user.username;
  req.session.authTime = Date.now();
}

export function destroySession(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.destroy((err: unknown) => (err ? reject(err) : resolve())));
}

/** Logs the browser out: the session row and its cookie both go. */
export async function endSession(req: Request, res: Response): Promise<void> {
  await destroySession(req);
  res.clearCookie(SESSION_COOKIE);
}

export function setFlash(req: Request, flash: Flash): void {
  req.session.flash = flash;
}

export function takeFlash(req: Request): Flash | null {
  const flash = req.session?.flash ?? null;
  if (flash) delete req.session.flash;
  return flash;
}
