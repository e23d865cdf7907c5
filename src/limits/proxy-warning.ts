import type { NextFunction, Request, RequestHandler, Response } from 'express';

/**
 * Every limit counts per client address, which Express reads from `X-Forwarded-For` only as far as
 * `trust proxy` allows. A proxied request seen while it is off means every visitor shares the
 * proxy's address; `true` means anyone can pick their address by sending the header. Either way the
 * site owner is told once, on the first request that shows it.
 */
export function proxyWarning(warn: (message: string) => void): RequestHandler {
  let warned = false;
  return function warnAboutProxy(req: Request, _res: Response, next: NextFunction) {
    if (!warned) {
      const trust: unknown = req.app.get('trust proxy');
      if (trust === true) {
        warned = true;
        warn('oauth: `trust proxy` is true, so any client can choose the address its rate limits count against by sending X-Forwarded-For. '
          + 'Set it to the number of proxies in front of the app (e.g. app.set(\'trust proxy\', 1)); see "Behind a proxy" in the README.');
      } else if (!trust && req.headers['x-forwarded-for'] !== undefined) {
        warned = true;
        warn('oauth: requests arrive through a proxy (X-Forwarded-For) but `trust proxy` is off, so every visitor shares the proxy\'s '
          + 'address for rate limits. Set app.set(\'trust proxy\', <number of proxies>); see "Behind a proxy" in the README.');
      }
    }
    next();
  };
}
