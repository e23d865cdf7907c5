import { escapeHtml } from './escape';
import type { Page } from './types';

/** The PIN the user types into the app (guide 004); the contract looks for `id="pin"`. */
export function pinPage(pin: string, clientName: string, lifetimeSeconds: number): Page {
  const minutes = Math.max(1, Math.round(lifetimeSeconds / 60));
  return { kind: 'pin', title: `Your PIN for ${clientName}`, bodyHtml: `<div class="card">
<h1>Enter this PIN in ${escapeHtml(clientName)}</h1>
<p class="pin" id="pin" aria-label="Your PIN">${escapeHtml(pin)}</p>
<p>It works once, only in ${escapeHtml(clientName)}, for ${minutes} minute${minutes === 1 ? '' : 's'}. Do not share it with anyone else.</p>
<p class="muted">You can close this page once the app says it is connected.</p></div>` };
}
