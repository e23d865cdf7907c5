import type { PageContext } from 'express-oauth-provider';
import { raw } from './html';
import { layout, type Viewer } from './layout';

/**
 * The provider's own pages (PIN, device code and result, errors, and the built-in consent page
 * though the forum replaces that one) in the forum's layout: the provider's `renderPage` option.
 * `bodyHtml` comes escaped from the provider, so it goes in as is (raw); the title is plain text,
 * which `layout` escapes. Pages in the middle of a task get the focused header, like consent.
 */
export function providerPage(page: PageContext, viewer: Viewer | null, csrfToken: string): string {
  const focused = page.kind === 'consent' || page.kind === 'pin' || page.kind === 'device-code';
  return layout({ title: page.title, viewer, csrfToken, focused }, raw(`<div class="task provider-page">${page.bodyHtml}</div>`));
}
