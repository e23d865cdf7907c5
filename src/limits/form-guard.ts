import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { answerAuthorizeError } from '../answers/browser-error';
import type { ProviderContext } from '../provider-context';
import type { PageRenderer } from '../pages/renderer';
import type { Limits } from './limits';

/**
 * For the forms a signed-in user sends (the consent decision, the device user code): the attempt
 * is spent before the form is read, so concurrent guesses cannot outrun the count, and refunded
 * once the answer shows it was no failure. Keyed on the user alone: only that user's session can
 * spend it, and colleagues behind the same address are not slowed. A visitor who is not signed in
 * can try nothing here; the endpoint tells them to sign in.
 */
export function formGuard(options: ProviderContext, limits: Limits, pages: PageRenderer): RequestHandler {
  return async function guardForm(req: Request, res: Response, next: NextFunction) {
    let refund: () => Promise<void>;
    try {
      const user = await options.currentUser(req);
      if (!user) {
        next();
        return;
      }
      refund = await limits.formAttempt(String(user.id));
    } catch (err) {
      answerAuthorizeError(res, options, pages, err);
      return;
    }
    res.on('finish', () => {
      if (res.statusCode < 400) void refund();
    });
    next();
  };
}
