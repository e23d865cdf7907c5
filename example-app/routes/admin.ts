import { Router, type NextFunction, type Request, type Response } from 'express';
import { verifyCsrf } from '../csrf';
import type { ForumDb } from '../forum-db';
import type { ForumOAuth } from '../provider';
import { requireLogin, setFlash } from '../session';
import { adminAppsPage } from '../views/admin-apps';
import { errorPage } from '../views/error';
import { field, formBody, isNotFoundError, isValidationError, pageContext, sendPage, signedInPageContext } from '../web';

function requireAdmin(req: Request, res: Response, next: NextFunction): void {
  if (req.forumUser?.isAdmin) return next();
  sendPage(res, errorPage({ ...pageContext(req), title: 'Admins only', message: 'This page is for site administrators.' }), 403);
}

const ACTIONS = {
  approve: 'approved',
  deny: 'denied',
  suspend: 'suspended (its tokens were revoked)',
  'approve-change': 'changed as its owner asked',
  'deny-change': 'left as it was: the change was denied',
} as const;

/**
 * The admin queue: approve or deny requested apps, changes to approved apps and personal access
 * tokens; suspend approved apps; make an app a resource server or let it use the implicit redirect.
 */
export function adminRoutes({ db, oauth }: { db: ForumDb; oauth: ForumOAuth }): Router {
  const router = Router();
  router.use('/admin', requireLogin, requireAdmin);

  router.get('/admin', (_req, res) => res.redirect(303, '/admin/apps'));

  router.get('/admin/apps', async (req, res) => {
    const apps = await oauth.clients.list();
    const owners = new Map<string, string | null>();
    await Promise.all([...new Set(apps.map((a) => a.ownerId).filter((id): id is string => id !== null))].map(async (id) => {
      owners.set(id, (await db.users.findById(id))?.username ?? null);
    }));
    sendPage(res, adminAppsPage({
      ...signedInPageContext(req),
      apps: apps.map((app) => ({ ...app, ownerName: app.ownerId === null ? null : owners.get(app.ownerId) ?? `(user ${app.ownerId})` })),
      tokenRequests: await db.tokenRequests.list({ status: ['pending'] }),
    }));
  });

  // Source 001: personal access tokens are "requested by a user and granted by an admin". The
  // admin only decides; the token is made when its user collects it (routes/tokens.ts), so the
  // admin never sees it.
  router.post('/admin/token-requests/:id/:action', formBody, verifyCsrf, async (req, res) => {
    const action = String(req.params.action);
    if (action !== 'approve' && action !== 'deny') {
      sendPage(res, errorPage({ ...pageContext(req), title: 'Not found', message: 'No such action.' }), 404);
      return;
    }
    const id = String(req.params.id);
    const request = await db.tokenRequests.get(id);
    const done = request !== null && await db.tokenRequests.transition(id, 'pending', action === 'approve' ? 'approved' : 'denied');
    setFlash(req, done
      ? { kind: 'ok', text: `Token “${request!.name}” for ${request!.user.username} was ${action === 'approve' ? 'approved' : 'denied'}.` }
      : { kind: 'error', text: 'That token request is no longer waiting for review.' });
    res.redirect(303, '/admin/apps');
  });

  router.post('/admin/apps/:id/permissions', formBody, verifyCsrf, async (req, res) => {
    try {
      const app = await oauth.clients.setPermissions(String(req.params.id), {
        resourceServer: field(req, 'resource_server') === '1', allowImplicit: field(req, 'implicit') === '1',
        allowClientCredentials: field(req, 'client_credentials') === '1',
      });
      const what = [
        app.resourceServer ? 'a resource server' : 'not a resource server',
        app.allowImplicit ? 'allowed the implicit redirect' : 'not allowed the implicit redirect',
        app.allowClientCredentials ? 'allowed tokens of its own' : 'not allowed tokens of its own',
      ];
      setFlash(req, { kind: 'ok', text: `“${app.name}” is now ${what.slice(0, -1).join(', ')} and ${what.at(-1)!}.` });
    } catch (err) {
      if (!isValidationError(err) && !isNotFoundError(err)) throw err;
      setFlash(req, { kind: 'error', text: err.message });
    }
    res.redirect(303, '/admin/apps');
  });

  router.post('/admin/apps/:id/:action', formBody, verifyCsrf, async (req, res) => {
    const action = String(req.params.action);
    if (!Object.hasOwn(ACTIONS, action)) {
      sendPage(res, errorPage({ ...pageContext(req), title: 'Not found', message: 'No such action.' }), 404);
      return;
    }
    const verb = action as keyof typeof ACTIONS;
    const id = String(req.params.id);
    // The version the admin was shown (views/admin-apps.ts); a missing or garbled one is refused as invalid_seen.
    const reviewed = { seen: new Date(field(req, 'seen')) };
    try {
      // approve() and approveChange() (public to confidential) return a new secret; the admin must
      // not see it, so it is dropped here and the owner makes their own on the apps tab (routes/apps.ts).
      const app = verb === 'approve' ? (await oauth.clients.approve(id, reviewed)).client
        : verb === 'deny' ? await oauth.clients.deny(id)
          : verb === 'approve-change' ? (await oauth.clients.approveChange(id, reviewed)).client
            : verb === 'deny-change' ? await oauth.clients.denyChange(id)
              : await oauth.clients.suspend(id);
      setFlash(req, { kind: 'ok', text: `“${app.name}” was ${ACTIONS[verb]}.` });
    } catch (err) {
      if (!isValidationError(err) && !isNotFoundError(err)) throw err;
      setFlash(req, {
        kind: 'error',
        text: isValidationError(err) && err.code === 'changed_since_review'
          ? 'Nothing was approved: the app was changed after this page showed it to you. Review what it asks for now, below, and approve again if it is still acceptable.'
          : err.message,
      });
    }
    res.redirect(303, '/admin/apps');
  });

  return router;
}
