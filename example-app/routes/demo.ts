import { Router } from 'express';
import type { RelyingParty } from '../relying-party';
import { describe } from '../relying-party';
import { demoResultPage, demoSignInPage } from '../views/demo';
import { pageContext, sendPage } from '../web';

/**
 * The sign-in demo: a relying party living inside the forum, talking to the forum's issuer over
 * HTTP as an outside site would. Its state, nonce and PKCE verifier ride in the forum session
 * (regenerateSession carries them across the login in between).
 */
export function demoRoutes({ publicUrl, clientId, rp }: { publicUrl: string; clientId: string | null; rp: RelyingParty }): Router {
  const router = Router();

  const signInPage = (req: Parameters<typeof pageContext>[0], problem: string | null, failure?: string) =>
    demoSignInPage({ ...pageContext(req), issuer: publicUrl, clientId, problem, ...(failure ? { failure } : {}) });

  router.get('/demo/sign-in', async (req, res) => {
    sendPage(res, signInPage(req, await rp.check()));
  });

  router.get('/demo/start', async (req, res) => {
    let started;
    try {
      started = await rp.start();
    } catch (err) {
      sendPage(res, signInPage(req, `Discovery of ${publicUrl} failed: ${describe(err)}`), 503);
      return;
    }
    req.session.demoFlow = started.flow;
    res.redirect(303, started.url);
  });

  router.get('/demo/callback', async (req, res) => {
    const flow = req.session?.demoFlow;
    if (!flow) {
      sendPage(res, signInPage(req, null, 'No sign-in was in progress in this browser (or it was already finished). Start again below.'), 400);
      return;
    }
    // One try per flow: a reload must not redeem the code twice.
    delete req.session.demoFlow;
    try {
      const result = await rp.finish(new URL(req.originalUrl, publicUrl), flow);
      sendPage(res, demoResultPage({ ...pageContext(req), ...result }));
    } catch (err) {
      sendPage(res, signInPage(req, null, `The sign-in did not complete: ${describe(err)}`), 400);
    }
  });

  return router;
}
