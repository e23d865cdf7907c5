import type { ConsentContext } from '../options';
import { escapeHtml, page } from '../http/html';

/**
 * The default consent page: who asks, for what (in the site's words), what it will not get,
 * for which account, and two buttons. One POST form, no JavaScript, nothing external.
 */
export function renderDefaultConsent(ctx: ConsentContext): string {
  const e = escapeHtml;
  const scopeItems = (list: ConsentContext['scopes']) =>
    list.map((s) => `<li><strong>${e(s.description)}</strong><span class="muted">${e(s.name)}</span></li>`).join('');
  const hidden = ctx.hiddenFields.map(([name, value]) => `<input type="hidden" name="${e(name)}" value="${e(value)}">`).join('');
  const owner = ctx.client.ownerId ? `<p class="muted">Registered by ${e(ctx.client.ownerId)}</p>` : '';
  const description = ctx.client.description ? `<p>${e(ctx.client.description)}</p>` : '';
  const withheld = ctx.withheldScopes.length
    ? `<h2 class="muted" id="not-heading" style="font-size:1rem;margin-top:1rem">It will not be able to</h2>`
      + `<ul class="scopes not" aria-labelledby="not-heading">${scopeItems(ctx.withheldScopes)}</ul>`
    : '';
  const lasting = ctx.permanent
    ? 'It asks for lasting access: it keeps it until you revoke it in your settings.'
    : 'You can revoke its access at any time in your settings.';
  return page(`Authorize ${ctx.client.name}`, `<div class="card">
<h1><strong>${e(ctx.client.name)}</strong> wants to use your account</h1>
${owner}${description}
<p>Signed in as <strong>${e(ctx.user.name)}</strong>. <a href="${e(ctx.switchAccountUrl)}">Not you?</a></p>
<h2 class="muted" id="can-heading" style="font-size:1rem;margin-top:1rem">If you allow it, it will be able to</h2>
<ul class="scopes" aria-labelledby="can-heading">${scopeItems(ctx.scopes)}</ul>
${withheld}
<p class="muted">${e(lasting)} After your answer you go back to <code>${e(ctx.redirectOrigin)}</code>.</p>
<form method="post" action="${e(ctx.action)}">${hidden}
<div class="actions"><button type="submit" name="decision" value="approve" class="primary">Allow</button>
<button type="submit" name="decision" value="deny">Deny</button></div>
</form></div>`);
}
