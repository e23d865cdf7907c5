import { Router } from 'express';
import { csrfToken, verifyCsrf } from '../csrf';
import type { ForumDb } from '../forum-db';
import { localPathOrRoot } from '../local-path';
import { destroySession, regenerateSession } from '../session';
import { loginPage } from '../views/login';
import { field, formBody, sendPage, viewerOf } from '../web';

export const SESSION_COOKIE = 'forum.sid';

export function authRoutes({ db }: { db: ForumDb }): Router {
  const router = Router();

  router.get('/login', (req, res) => {
    sendPage(res, loginPage({ viewer: viewerOf(req), csrfToken: csrfToken(req), next: localPathOrRoot(req.query.next) }));
  });

  router.post('/login', formBody, verifyCsrf, async (req, res) => {
    const username = field(req, 'username').trim();
    const password = field(req, 'password');
    const next = localPathOrRoot(field(req, 'next'));
    const user = username && password ? await db.users.verifyLogin(username, password) : null;
    if (!user) {
      // One message for an unknown user and a wrong password: the form must not confirm usernames.
      sendPage(res, loginPage({ viewer: viewerOf(req), csrfToken: csrfToken(req), next, username, failed: true }), 401);
      return;
    }
    await regenerateSession(req);
    req.session.userId = user.id;
    req.session.username = user.username;
    res.redirect(303, next);
  });

  router.post('/logout', formBody, verifyCsrf, async (req, res) => {
    await destroySession(req);
    res.clearCookie(SESSION_COOKIE);
    res.redirect(303, '/');
  });

  return router;
}
