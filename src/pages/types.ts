import type { Request } from 'express';

/*
 * What the provider's pages are made of, for a site that renders them itself: `renderConsent`
 * gets a ConsentContext, `renderPage` a PageContext.
 */

export interface ConsentContext {
  /** `ownerName`: who registered the app, from the `clientOwnerName` option (null when unknown or not set). */
  client: { id: string; name: string; description: string; ownerId: string | null; ownerName: string | null };
  user: { id: string; name: string };
  scopes: Array<{ name: string; description: string }>;
  /**
   * Scopes marked `showWhenWithheld` in the `scopes` option that this app will NOT get ("it will not
   * be able to …"). Only those: listing every other scope would push the buttons off a phone screen.
   */
  withheldScopes: Array<{ name: string; description: string }>;
  /**
   * OpenID Connect sign-ins: what the app will learn about the user, with the values it will see
   * (`{ name: 'email', description: 'Email address', value: 'alice@example.com (verified)' }`). Empty otherwise.
   */
  claims: Array<{ name: string; description: string; value: string }>;
  /** The origin the answer is sent to, or for a native app's private-use scheme the scheme (`com.example.app:`). */
  redirectOrigin: string;
  /**
   * A public client answered on the user's own device (RFC 8252: a loopback address or a
   * private-use scheme): an app installed there, not a website. Say so, and that the site cannot
   * tell which app it is, so the user allows it only if they just started signing in from it.
   */
  nativeApp: boolean;
  /**
   * What follows the answer: a redirect to `redirectOrigin`, a page with a PIN to type into the app
   * (`response_type=pin`), or nothing (a device that asked with the device flow; the user stays here).
   */
  delivery: 'redirect' | 'pin' | 'device';
  /**
   * Device delivery only: the code the user typed, as `ABCD-EFGH`. Show it with a warning to allow
   * only a device of their own that shows this very code: a phisher can send anyone a code to type.
   */
  userCode?: string;
  /** The APIs (RFC 8707 resource identifiers) the app's access will be limited to; absent when it named none. */
  resources?: string[];
  permanent: boolean;
  /** Where the form posts to (the authorize URL of this request). */
  action: string;
  /** The hidden inputs the form must carry, already escaped-safe as name/value pairs. */
  hiddenFields: Array<[string, string]>;
  issuer: string;
  /** URL to sign in as someone else ("not you?"). */
  switchAccountUrl: string;
}

/** Which provider page `renderPage` is asked to lay out. */
export type PageKind = 'consent' | 'pin' | 'device-code' | 'device-result' | 'error' | 'logout' | 'logged-out';

export interface PageContext {
  /** 'consent' (the built-in consent page; a `renderConsent` page is sent as is), 'pin', 'device-code', 'device-result', 'error', and with OpenID Connect 'logout' (the sign-out confirmation) and 'logged-out'. */
  kind: PageKind;
  /** Plain text, NOT escaped: escape it where you put it (`<title>`, a heading). */
  title: string;
  /**
   * The page's content as HTML with every value already escaped: insert it as is, never escape it
   * again. It uses the classes `card`, `error`, `muted`, `actions`, `primary`, `pin`, `code-input`,
   * `warning` (the built-in consent page more: `consent`, `scopes`, `can`, `cannot`, `mark`, ...); style them.
   */
  bodyHtml: string;
  /** The request being answered, e.g. for the site's own header ("signed in as …"). */
  req: Request;
}

export type RenderPage = (page: PageContext) => string;

/**
 * A built-in page before its layout: which page, its title (plain text) and its body (HTML in which
 * every value is already escaped). The renderer puts it in the site's `renderPage` layout or the built-in one.
 */
export interface Page {
  kind: PageKind;
  title: string;
  bodyHtml: string;
}
