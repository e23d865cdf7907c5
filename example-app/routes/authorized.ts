import { Router } from 'express';
import { verifyCsrf } from '../csrf';
import type { ForumOAuth } from '../provider';
import { SCOPE_DESCRIPTIONS } from '../provider';
import { requireLogin, setFlash } from '../session';
import { authorizedPage } from '../views/authorized';
import { formBody, sendPage, signedInPageContext, userOf } from '../web';

/** "Authorized apps": the user's consents, each revocable (every token of it dies with it). */
export function authorizedRoutes({ oauth }: { oauth: ForumOAuth }): Router {
  const router = Router();
  router.use('/settings/authorized', requireLogin);

  router.get('/settings/authorized', async (req, res) => {
    const user = userOf(req);
    sendPage(res, authorizedPage({
      ...signedInPageContext(req),
      scopeDescriptions: SCOPE_DESCRIPTIONS,
      grants: await oauth.grants.listForUser(user.id),
    }));
  });

  router.post('/settings/authorized/:grantId/revoke', formBody, verifyCsrf, async (req, res) => {
    // userId makes a posted id of someone else's grant a no-op.
    const revoked = await oauth.grants.revoke(String(req.params.grantId), { userId: userOf(req).id });
    setFlash(req, revoked
      ? { kind: 'ok', text: 'Access revoked. The app can no longer use your account.' }
      : { kind: 'error', text: 'That authorization no longer exists.' });
    res.redirect(303, '/settings/authorized');
  });

  return router;
}
