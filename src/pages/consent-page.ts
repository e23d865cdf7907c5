import { escapeHtml } from './escape';
import type { ConsentContext, Page } from './types';
import { deviceCodeWarning } from './device-pages';

/**
 * The default consent page: who asks (and who registered it), what it says about itself (in the
 * developer's words, marked as such), what it will and will not be able to do (in the site's
 * words), for which account on which site, where the answer goes, and two buttons. One POST form,
 * no JavaScript, nothing from another origin; headings label the lists for screen readers. For a
 * device, the code the user typed and a warning sit right above the buttons, where the choice is made.
 */
export function consentPage(ctx: ConsentContext): Page {
  const e = escapeHtml;
  const app = e(ctx.client.name);
  const site = e(new URL(ctx.issuer).host);
  const scopeList = (id: string, list: ConsentContext['scopes'], mark: string) =>
    `<ul class="scopes" aria-labelledby="${id}">${list.map((s) =>
      `<li><span class="mark" aria-hidden="true">${mark}</span><span>${e(s.description)}</span></li>`).join('')}</ul>`;
  const hidden = ctx.hiddenFields.map(([name, value]) => `<input type="hidden" name="${e(name)}" value="${e(value)}">`).join('');
  const owner = ctx.client.ownerName ? `<p class="muted">Registered by <strong>${e(ctx.client.ownerName)}</strong></p>` : '';
  const description = ctx.client.description
    ? `<figure class="about"><blockquote>${e(ctx.client.description)}</blockquote><figcaption class="muted">The app's description, written by its developer</figcaption></figure>`
    : '';
  const withheld = ctx.withheldScopes.length
    ? `<section class="cannot" aria-labelledby="not-heading"><h2 id="not-heading">It will not be able to</h2>${scopeList('not-heading', ctx.withheldScopes, '✕')}</section>`
    : '';
  const learns = ctx.claims.length
    ? `<section class="learns" aria-labelledby="learns-heading"><h2 id="learns-heading">${app} will learn</h2><dl class="claims">${ctx.claims.map((c) =>
      `<div><dt>${e(c.description)}</dt><dd>${e(c.value)}</dd></div>`).join('')}</dl></section>`
    : '';
  const reaches = ctx.resources?.length
    ? `<p class="muted">Only for: ${ctx.resources.map((r) => `<strong class="resource">${e(r)}</strong>`).join(', ')}</p>`
    : '';
  const next = {
    redirect: ctx.nativeApp
      ? `This is an app installed on your device, not a website: after you answer, you go back to it (<strong class="origin">${e(ctx.redirectOrigin)}</strong>). ${site} cannot check which app that is, so allow it only if you just started signing in from ${app}.`
      : `After you answer, you go back to <strong class="origin">${e(ctx.redirectOrigin)}</strong>.`,
    pin: `If you allow it, this page shows a PIN to type into ${app}.`,
    device: 'If you allow it, the device that showed you the code is connected.',
  }[ctx.delivery];
  const lasting = ctx.permanent
    ? `${app} asks to keep this access until you revoke it in your account settings.`
    : 'You can revoke its access at any time in your account settings.';
  const warning = ctx.delivery === 'device' && ctx.userCode ? deviceCodeWarning(ctx.userCode, ctx.client.name) : '';
  return { kind: 'consent', title: `Allow ${ctx.client.name} to use your account?`, bodyHtml: `<div class="card consent">
<div class="app-head"><span class="monogram" aria-hidden="true">${e(ctx.client.name.trim().charAt(0).toUpperCase() || '?')}</span>
<div><h1><span class="app-name">${app}</span> wants to use your account</h1>${owner}</div></div>
${description}
<p class="account"><span>Signed in to <strong>${site}</strong> as <strong>${e(ctx.user.name)}</strong></span> <a href="${e(ctx.switchAccountUrl)}">Not you? Use another account</a></p>
<section class="can" aria-labelledby="can-heading"><h2 id="can-heading">If you allow it, ${app} will be able to</h2>
${scopeList('can-heading', ctx.scopes, '✓')}${reaches}</section>
${learns}
${withheld}
<p class="notice">${next} ${lasting}</p>
${warning}
<form method="post" action="${e(ctx.action)}" aria-label="Your answer to ${app}">${hidden}
<div class="actions"><button type="submit" name="decision" value="approve" class="primary">Allow</button>
<button type="submit" name="decision" value="deny">Deny</button></div>
</form></div>` };
}
