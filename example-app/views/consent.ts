import type { ConsentContext } from 'express-oauth-provider';
import { html } from './html';
import { layout } from './layout';

/**
 * The forum's consent page (the provider's `renderConsent` option): the package's default page says
 * the same things, here in the forum's own layout so people see they are on the forum. It keeps
 * the contract outside clients rely on: one POST form with the hidden fields, and `decision` buttons `approve` and `deny`. For a device,
 * the code the user typed and a phishing warning sit just above the buttons (RFC 8628 §5.4).
 */
export function consentPage(ctx: ConsentContext): string {
  const app = ctx.client.name;
  const next = {
    redirect: ctx.nativeApp
      ? html`This is an app installed on your device, not a website: after you answer, you go back to it (<strong class="origin">${ctx.redirectOrigin}</strong>).
        The forum cannot check which app that is, so allow it only if you just started signing in from ${app}.`
      : html`After you answer, you go back to <strong class="origin">${ctx.redirectOrigin}</strong>.`,
    pin: html`If you allow it, the next page shows a PIN to type into ${app}.`,
    device: html`If you allow it, the device that showed you the code is connected.`,
  }[ctx.delivery];
  return layout({ title: `Allow ${app}?`, viewer: { username: ctx.user.name, isAdmin: false }, csrfToken: '', focused: true }, html`
<div class="card consent">
  <h1>${app} wants to use your forum account</h1>
  <p class="muted">${ctx.client.ownerName
    ? html`Registered by <strong>${ctx.client.ownerName}</strong>, a member of this forum.`
    : ctx.client.ownerId === null ? html`Registered by the forum itself.` : html`Registered by a member of this forum.`}</p>
  ${ctx.client.description ? html`<figure class="about"><blockquote>${ctx.client.description}</blockquote>
    <figcaption class="muted small">The app's description, written by its developer</figcaption></figure>` : ''}
  <p class="account">Signed in as <strong>${ctx.user.name}</strong> · <a href="${ctx.switchAccountUrl}">Not you? Use another account</a></p>
  <section aria-labelledby="can-heading">
    <h2 id="can-heading">If you allow it, ${app} will be able to</h2>
    <ul class="consent-scopes can" aria-labelledby="can-heading">${ctx.scopes.map((s) => html`<li><span class="mark" aria-hidden="true">✓</span>${s.description}</li>`)}</ul>
    ${ctx.resources?.length ? html`<p class="muted small">Only through: ${ctx.resources.map((r, i) => html`${i > 0 ? ', ' : ''}<strong>${r}</strong>`)}</p>` : ''}
  </section>
  ${ctx.claims?.length ? html`<section aria-labelledby="learns-heading">
    <h2 id="learns-heading">${app} will learn</h2>
    <dl class="meta">${ctx.claims.map((c) => html`<dt>${c.description}</dt><dd>${c.value}</dd>`)}</dl>
  </section>` : ''}
  ${ctx.withheldScopes.length ? html`<section aria-labelledby="not-heading">
    <h2 id="not-heading">It will not be able to</h2>
    <ul class="consent-scopes cannot" aria-labelledby="not-heading">${ctx.withheldScopes.map((s) => html`<li><span class="mark" aria-hidden="true">✕</span>${s.description}</li>`)}</ul>
  </section>` : ''}
  <p class="notice">${next} ${ctx.permanent
    ? `${app} asks to keep this access until you revoke it under Authorized apps.`
    : 'You can revoke its access at any time under Authorized apps.'}</p>
  ${ctx.delivery === 'device' && ctx.userCode ? html`<p class="warning" role="note">Only allow this if you started it yourself, on your own device,
    and it shows the code <strong class="user-code">${ctx.userCode}</strong>. If someone sent you this code, choose Deny.</p>` : ''}
  <form method="post" action="${ctx.action}" aria-label="Your answer to ${app}">
    ${ctx.hiddenFields.map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
    <div class="actions"><button type="submit" name="decision" value="approve">Allow</button>
    <button type="submit" name="decision" value="deny" class="secondary">Deny</button></div>
  </form>
</div>`);
}
