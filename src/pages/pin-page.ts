import { escapeHtml } from './escape';
import { page, type HtmlPage } from './types';

/** The PIN the user types into the app (guide 004); the contract looks for `id="pin"`. */
export function renderPinPage(pin: string, clientName: string, lifetimeSeconds: number): HtmlPage {
  const minutes = Math.max(1, Math.round(lifetimeSeconds / 60));
  return page('pin', `Your PIN for ${clientName}`, `<div class="card">
<h1>Enter this PIN in ${escapeHtml(clientName)}</h1>
<p class="pin" id="pin" aria-label="Your PIN">${escapeHtml(pin)}</p>
<p>It works once, only in ${escapeHtml(clientName)}, for ${minutes} minute${minutes === 1 ? '' : 's'}. Do not share it with anyone else.</p>
<p class="muted">You can close this page once the app says it is connected.</p></div>`);
}
