import { Router, type Response } from 'express';
import { csrfToken, verifyCsrf } from '../csrf';
import type { ForumDb } from '../forum-db';
import { localPathOrRoot } from '../local-path';
import type { LoginThrottle } from '../login-throttle';
import type { SignupThrottle } from '../signup-throttle';
import { readLoginQuery, USERNAME } from '../login-request';
import { endSession, logInSession } from '../session';
import { errorPage } from '../views/error';
import { loginPage } from '../views/login';
import { signupPage } from '../views/signup';
import { field, formBody, sendPage, viewerOf } from '../web';

export { SESSION_COOKIE } from '../session';

/**
 * Runs a throttle's count before the form is read. False when the request was answered: 429 with
 * `Retry-After` through `refuse` ("in 3 minutes"), or 503 when the count store is down (no attempt
 * goes uncounted, so none is checked).
 */
async function passedThrottle(res: Response, count: () => Promise<number | null>, doing: string, refuse: (wait: string) => void): Promise<boolean> {
  let waitSeconds: number | null;
  try {
    waitSeconds = await count();
  } catch {
    sendPage(res, errorPage({ viewer: null, csrfToken: '', title: 'Try again shortly', message: `${doing} is unavailable for a moment. Try again in a minute.` }), 503);
    return false;
  }
  if (waitSeconds === null) return true;
  res.setHeader('Retry-After', String(waitSeconds));
  const minutes = Math.ceil(waitSeconds / 60);
  refuse(`${minutes} minute${minutes === 1 ? '' : 's'}`);
  return false;
}

const PASSWORD_LENGTH = { min: 10, max: 200 };

export function authRoutes({ db, throttle, signupLimit }: { db: ForumDb; throttle: LoginThrottle; signupLimit: SignupThrottle }): Router {
  const router = Router();

  router.get('/signup', (req, res) => {
    if (viewerOf(req)) {
      res.redirect(303, localPathOrRoot(req.query.next));
      return;
    }
    sendPage(res, signupPage({ csrfToken: csrfToken(req), next: localPathOrRoot(req.query.next) }));
  });

  router.post('/signup', formBody, verifyCsrf, async (req, res) => {
    const username = field(req, 'username').trim();
    const password = field(req, 'password');
    const next = localPathOrRoot(field(req, 'next'));
    const refuse = (error: string, status = 400) =>
      sendPage(res, signupPage({ csrfToken: csrfToken(req), next, username, error }), status);
    if (!USERNAME.test(username)) return refuse('Choose a username of 3 to 30 characters: lowercase letters, digits, "_" and "-".');
    if (password.length < PASSWORD_LENGTH.min || password.length > PASSWORD_LENGTH.max) {
      return refuse(`Choose a password of ${PASSWORD_LENGTH.min} to ${PASSWORD_LENGTH.max} characters.`);
    }
    if (!(await passedThrottle(res, () => signupLimit(req.ip ?? ''), 'Signing up',
      (wait) => refuse(`Too many accounts were made from your address. Try again in ${wait}.`, 429)))) return;
    const user = await db.users.createIfFree({ username, password });
    if (!user) return refuse('That username is taken. Choose another.', 409);
    await logInSession(req, user);
    res.redirect(303, next);
  });

  router.get('/login', (req, res) => {
    const { next, fresh, hint } = readLoginQuery(req.query);
    sendPage(res, loginPage({ viewer: viewerOf(req), csrfToken: csrfToken(req), next, fresh, ...(hint ? { username: hint } : {}) }));
  });

  router.post('/login', formBody, verifyCsrf, async (req, res) => {
    const username = field(req, 'username').trim();
    const password = field(req, 'password');
    const next = localPathOrRoot(field(req, 'next'));
    const address = req.ip ?? '';
    if (!(await passedThrottle(res, () => throttle.attempt(username, address), 'Logging in', (wait) => sendPage(res, errorPage({
      viewer: null, csrfToken: '', title: 'Too many failed logins', message: `Too many failed logins for this account. Try again in ${wait}.`,
    }), 429)))) return;
    const user = username && password ? await db.users.verifyLogin(username, password) : null;
    if (!user) {
      // One message for an unknown user and a wrong password: the form must not confirm usernames.
      sendPage(res, loginPage({
        viewer: viewerOf(req), csrfToken: csrfToken(req), next, username, failed: true, fresh: field(req, 'fresh') === '1',
      }), 401);
      return;
    }
    await throttle.succeeded(username, address);
    await logInSession(req, user);
    res.redirect(303, next);
  });

  router.post('/logout', formBody, verifyCsrf, async (req, res) => {
    await endSession(req, res);
    res.redirect(303, '/');
  });

  return router;
}
