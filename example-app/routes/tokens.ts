import { Router, type Request, type Response } from 'express';
import { verifyCsrf } from '../csrf';
import type { ForumOAuth } from '../provider';
import { SCOPE_DESCRIPTIONS } from '../provider';
import { requireLogin, setFlash } from '../session';
import { TOKEN_LIFETIMES, tokensPage, type TokensView } from '../views/tokens';
import { field, fieldList, formBody, isValidationError, pageContext, sendPage, userOf } from '../web';

/** Personal access tokens (source 001): for the user's own scripts, no client app involved. */
export function tokensRoutes({ oauth }: { oauth: ForumOAuth }): Router {
  const router = Router();
  router.use('/settings/tokens', requireLogin);

  async function render(req: Request, res: Response, extra: Partial<Pick<TokensView, 'created' | 'form'>> = {}, status = 200) {
    const user = userOf(req);
    sendPage(res, tokensPage({
      ...pageContext(req),
      viewer: { username: user.username, isAdmin: user.isAdmin },
      scopeDescriptions: SCOPE_DESCRIPTIONS,
      tokens: await oauth.tokens.listPersonal(user.id),
      ...extra,
    }), status);
  }

  router.get('/settings/tokens', (req, res) => render(req, res));

  router.post('/settings/tokens', formBody, verifyCsrf, async (req, res) => {
    const name = field(req, 'name');
    const scopes = fieldList(req, 'scopes');
    const lifetime = TOKEN_LIFETIMES.find(([value]) => value === field(req, 'expires'))?.[2] ?? TOKEN_LIFETIMES[0]![2];
    try {
      const issued = await oauth.tokens.issuePersonal(userOf(req).id, { name, scopes, expiresIn: lifetime });
      // Shown in this response only; the store keeps a hash.
      await render(req, res, { created: { name: issued.name, token: issued.token } });
    } catch (err) {
      if (!isValidationError(err)) throw err;
      await render(req, res, { form: { name, scopes, error: err.message } }, 400);
    }
  });

  router.post('/settings/tokens/:id/revoke', formBody, verifyCsrf, async (req, res) => {
    const revoked = await oauth.tokens.revoke(String(req.params.id), { userId: userOf(req).id });
    setFlash(req, revoked ? { kind: 'ok', text: 'Token revoked.' } : { kind: 'error', text: 'That token no longer exists.' });
    res.redirect(303, '/settings/tokens');
  });

  return router;
}
