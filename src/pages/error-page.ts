import { escapeHtml } from './escape';
import type { Page } from './types';

/** The page shown instead of redirecting when the client or its redirect URI cannot be trusted. */
export function errorPage(title: string, message: string): Page {
  return {
    kind: 'error',
    title,
    bodyHtml: `<div class="card error" role="alert"><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>`
      + `<p class="muted">You can close this page. If an app sent you here, tell its developer.</p></div>`,
  };
}
