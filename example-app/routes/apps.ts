import { Router, type Request, type Response } from 'express';
import { verifyCsrf } from '../csrf';
import type { ForumDb } from '../forum-db';
import { DEFAULT_SCOPES, SCOPE_DESCRIPTIONS, type ForumOAuth } from '../provider';
import { requireLogin, setFlash } from '../session';
import { appsPage, type AppsView } from '../views/apps';
import { errorPage } from '../views/error';
import { field, fieldList, formBody, isValidationError, pageContext, sendPage, signedInPageContext, userOf } from '../web';

/**
 * The apps tab (source 000, step 1). How the secret is "shown once": the store keeps only its
 * hash, and an admin approves while the owner is away, so the secret made at approval is thrown
 * away. The owner's first "Show client secret" makes a new one (rotateSecret) and prints it in
 * that one response (no-store); the page never shows it again. Later presses are a rotation.
 */
export function appsRoutes({ db, oauth }: { db: ForumDb; oauth: ForumOAuth }): Router {
  const router = Router();
  router.use('/settings/apps', requireLogin);

  async function render(req: Request, res: Response, extra: Partial<Pick<AppsView, 'revealed' | 'form' | 'flash'>> = {}, status = 200) {
    const user = userOf(req);
    const apps = (await oauth.clients.list({ ownerId: user.id })).reverse();
    const revealed = await db.secretReveals.revealedAmong(apps.map((a) => a.id));
    const page = appsPage({
      ...signedInPageContext(req),
      apps: apps.map((app) => ({ ...app, secretRevealed: revealed.has(app.id) })),
      scopeDescriptions: SCOPE_DESCRIPTIONS,
      defaultScopes: DEFAULT_SCOPES,
      ...extra,
    });
    sendPage(res, page, status);
  }

  /** The app, if the logged-in user owns it; another user's id is answered like an unknown one. */
  async function ownApp(req: Request) {
    const app = await oauth.clients.get(String(req.params.id));
    return app && app.ownerId === userOf(req).id ? app : null;
  }

  const notFound = (req: Request, res: Response) => sendPage(res, errorPage({
    ...pageContext(req), title: 'No such app', message: 'You have no app with this id.',
  }), 404);

  router.get('/settings/apps', (req, res) => render(req, res));

  router.post('/settings/apps', formBody, verifyCsrf, async (req, res) => {
    const form = {
      name: field(req, 'name'),
      redirectUris: field(req, 'redirect_uris'),
      description: field(req, 'description'),
      isPublic: field(req, 'public') === '1',
      // None ticked: the package gives the site's default scopes.
      scopes: fieldList(req, 'scopes'),
    };
    try {
      const app = await oauth.clients.request({ ...form, ownerId: userOf(req).id });
      setFlash(req, { kind: 'ok', text: `“${app.name}” was requested. An administrator will review it; its secret appears here once it is approved.` });
      res.redirect(303, '/settings/apps');
    } catch (err) {
      if (!isValidationError(err)) throw err;
      await render(req, res, { form: { ...form, error: err.message } }, 400);
    }
  });

  router.post('/settings/apps/:id', formBody, verifyCsrf, async (req, res) => {
    const app = await ownApp(req);
    if (!app) return notFound(req, res);
    try {
      const { pendingReview } = await oauth.clients.update(app.id, {
        name: field(req, 'name'), redirectUris: field(req, 'redirect_uris'), description: field(req, 'description'),
        scopes: fieldList(req, 'scopes'), isPublic: field(req, 'public') === '1',
      });
      setFlash(req, { kind: 'ok', text: pendingReview
        ? 'Saved. The new name, redirect URIs, scopes or type await an administrator’s review; until then the app keeps its approved values.'
        : 'Saved.' });
      res.redirect(303, '/settings/apps');
    } catch (err) {
      if (!isValidationError(err)) throw err;
      await render(req, res, { flash: { kind: 'error', text: `Not saved: ${err.message}` } }, 400);
    }
  });

  router.post('/settings/apps/:id/secret', formBody, verifyCsrf, async (req, res) => {
    const app = await ownApp(req);
    if (!app) return notFound(req, res);
    if (app.status !== 'approved' || app.isPublic) {
      setFlash(req, { kind: 'error', text: 'This app has no secret to show: it is not approved, or it is a public app.' });
      res.redirect(303, '/settings/apps');
      return;
    }
    const { clientSecret } = await oauth.clients.rotateSecret(app.id);
    await db.secretReveals.markRevealed(app.id);
    // Rendered in this response only (no redirect, nothing kept): a reload cannot bring it back.
    await render(req, res, { revealed: { clientId: app.id, secret: clientSecret } });
  });

  return router;
}
