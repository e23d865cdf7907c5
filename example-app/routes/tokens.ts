import { Router, type Request, type Response } from 'express';
import { verifyCsrf } from '../csrf';
import type { ForumDb } from '../forum-db';
import type { ForumOAuth } from '../provider';
import { SCOPE_DESCRIPTIONS } from '../provider';
import { requireLogin, setFlash } from '../session';
import { TOKEN_LIFETIMES, tokensPage, type TokensView } from '../views/tokens';
import { field, fieldList, formBody, isValidationError, sendPage, signedInPageContext, userOf } from '../web';

/** A token request's name and scopes, checked before it waits in the admin queue; null when fine. */
function requestProblem(name: string, scopes: string[]): string | null {
  if (name === '') return 'name: is required.';
  if ([...name].length > 100) return 'name: must be at most 100 characters.';
  // The package's rule for names (its personal tokens refuse the same at collection time).
  if (/[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/u.test(name)) return 'name: must not contain control, invisible or direction-changing characters, or line breaks.';
  if (scopes.length === 0) return 'scopes: at least one scope is required.';
  const unknown = scopes.filter((s) => !Object.hasOwn(SCOPE_DESCRIPTIONS, s));
  if (unknown.length) return `scopes: unknown scope ${JSON.stringify(unknown[0]!.slice(0, 50))}.`;
  return null;
}

/**
 * Personal access tokens (source 001): "requested by a user and granted by an admin", for the
 * user's own scripts, no client app involved. The user asks (name, scopes, lifetime); an admin
 * approves on /admin/apps (routes/admin.ts); the user then collects the token here. It is made by
 * `oauth.tokens.issuePersonal` in that one response and never stored in plain text — the apps
 * tab's one-time reveal: the approval happens while the user is away, so a token made at approval
 * could only be shown to the admin or kept, and neither is acceptable.
 */
export function tokensRoutes({ db, oauth }: { db: ForumDb; oauth: ForumOAuth }): Router {
  const router = Router();
  router.use('/settings/tokens', requireLogin);

  async function render(req: Request, res: Response, extra: Partial<Pick<TokensView, 'created' | 'form'>> = {}, status = 200) {
    const user = userOf(req);
    sendPage(res, tokensPage({
      ...signedInPageContext(req),
      scopeDescriptions: SCOPE_DESCRIPTIONS,
      tokens: await oauth.tokens.listPersonal(user.id),
      requests: await db.tokenRequests.list({ userId: user.id, status: ['pending', 'approved', 'denied'] }),
      ...extra,
    }), status);
  }

  router.get('/settings/tokens', (req, res) => render(req, res));

  router.post('/settings/tokens', formBody, verifyCsrf, async (req, res) => {
    const name = field(req, 'name').trim();
    const scopes = [...new Set(fieldList(req, 'scopes'))];
    const expiresIn = TOKEN_LIFETIMES.find(([value]) => value === field(req, 'expires'))?.[2] ?? TOKEN_LIFETIMES[0]![2];
    const problem = requestProblem(name, scopes);
    if (problem) {
      await render(req, res, { form: { name, scopes, error: problem } }, 400);
      return;
    }
    await db.tokenRequests.create(userOf(req).id, { name, scopes, expiresIn });
    setFlash(req, { kind: 'ok', text: `Token “${name}” was requested. An administrator will review it; you can collect it here once it is approved.` });
    res.redirect(303, '/settings/tokens');
  });

  router.post('/settings/tokens/requests/:id/collect', formBody, verifyCsrf, async (req, res) => {
    const user = userOf(req);
    const id = String(req.params.id);
    const request = await db.tokenRequests.get(id);
    // Only its own user collects it, once: the status change lets exactly one submission through.
    if (!request || request.user.id !== user.id || !(await db.tokenRequests.transition(id, 'approved', 'issued', { userId: user.id }))) {
      setFlash(req, { kind: 'error', text: 'That token is not waiting to be collected: it is not approved yet, or it was already shown.' });
      res.redirect(303, '/settings/tokens');
      return;
    }
    let issued;
    try {
      issued = await oauth.tokens.issuePersonal(user.id, { name: request.name, scopes: request.scopes, expiresIn: request.expiresIn });
    } catch (err) {
      // Nothing was issued: the request stays collectable.
      await db.tokenRequests.transition(id, 'issued', 'approved', { userId: user.id });
      if (!isValidationError(err)) throw err;
      setFlash(req, { kind: 'error', text: `The token could not be made: ${err.message}` });
      res.redirect(303, '/settings/tokens');
      return;
    }
    await db.tokenRequests.transition(id, 'issued', 'issued', { grantId: issued.id });
    // Shown in this response only (no-store, no redirect); the store keeps a hash.
    await render(req, res, { created: { name: issued.name, token: issued.token } });
  });

  router.post('/settings/tokens/:id/revoke', formBody, verifyCsrf, async (req, res) => {
    const revoked = await oauth.tokens.revoke(String(req.params.id), { userId: userOf(req).id });
    setFlash(req, revoked ? { kind: 'ok', text: 'Token revoked.' } : { kind: 'error', text: 'That token no longer exists.' });
    res.redirect(303, '/settings/tokens');
  });

  return router;
}
