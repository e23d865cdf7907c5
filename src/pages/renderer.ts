import type { Request } from 'express';
import { consentPage } from './consent-page';
import { deviceCodePage, deviceResultPage, type DeviceCodeForm } from './device-pages';
import { errorPage } from './error-page';
import { builtInLayout } from './layout';
import { loggedOutPage, logoutConfirmationPage, type LogoutConfirmation } from './logout-pages';
import { pinPage } from './pin-page';
import type { ConsentContext, Page, RenderPage } from './types';

/** The site's own consent page and layout, as the options hold them (missing: the built-in ones). */
export interface SitePages {
  renderConsent: ((context: ConsentContext) => string) | null | undefined;
  renderPage: RenderPage | null | undefined;
}

/** Every page a person sees, as the finished document to send. */
export interface PageRenderer {
  /** The site's `renderConsent` page as it made it, or the built-in consent page in the layout. */
  consent(req: Request, context: ConsentContext): string;
  pin(req: Request, pin: string, clientName: string, lifetimeSeconds: number): string;
  deviceCode(req: Request, form: DeviceCodeForm): string;
  deviceResult(req: Request, approved: boolean): string;
  error(req: Request, title: string, message: string): string;
  logoutConfirmation(req: Request, context: LogoutConfirmation): string;
  loggedOut(req: Request, siteHost: string): string;
}

export function createPageRenderer({ renderConsent, renderPage }: SitePages): PageRenderer {
  function inLayout(req: Request, page: Page): string {
    if (renderPage) {
      // A layout that throws (or returns nothing) must not turn a consent or error page into a 500:
      // the built-in layout still shows the same content, with the same headers.
      try {
        const html: unknown = renderPage({ kind: page.kind, title: page.title, bodyHtml: page.bodyHtml, req });
        if (typeof html === 'string' && html !== '') return html;
      } catch { /* fall through to the built-in layout */ }
    }
    return builtInLayout(page.title, page.bodyHtml);
  }

  return {
    consent: (req, context) => (renderConsent ? renderConsent(context) : inLayout(req, consentPage(context))),
    pin: (req, pin, clientName, lifetimeSeconds) => inLayout(req, pinPage(pin, clientName, lifetimeSeconds)),
    deviceCode: (req, form) => inLayout(req, deviceCodePage(form)),
    deviceResult: (req, approved) => inLayout(req, deviceResultPage(approved)),
    error: (req, title, message) => inLayout(req, errorPage(title, message)),
    logoutConfirmation: (req, context) => inLayout(req, logoutConfirmationPage(context)),
    loggedOut: (req, siteHost) => inLayout(req, loggedOutPage(siteHost)),
  };
}
