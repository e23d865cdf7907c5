import { html, raw, type SafeHtml } from './html';
import { STYLESHEET } from './style';

export interface Viewer {
  username: string;
  isAdmin: boolean;
}

export interface Flash {
  kind: 'ok' | 'error';
  text: string;
}

export interface PageOptions {
  title: string;
  viewer: Viewer | null;
  /** The session's CSRF token, for the logout button. */
  csrfToken: string;
  /** The path of the page, to mark the current tab. */
  path?: string;
  flash?: Flash | null | undefined;
  /** A step the user should finish (the consent page): no tabs and no logout form, only who is signed in. */
  focused?: boolean;
}

const TABS: Array<[string, string, (v: Viewer) => boolean]> = [
  ['/', 'Front page', () => true],
  ['/settings/apps', 'Apps', () => true],
  ['/settings/authorized', 'Authorized apps', () => true],
  ['/settings/tokens', 'Tokens', () => true],
  ['/admin/apps', 'Admin', (v) => v.isAdmin],
];

export function csrfField(token: string): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${token}">`;
}

export function flashBox(flash: Flash | null | undefined): SafeHtml {
  return flash ? html`<div class="flash ${flash.kind}" role="status">${flash.text}</div>` : html``;
}

export function layout(options: PageOptions, body: SafeHtml): string {
  const { viewer } = options;
  const nav = viewer && options.focused
    ? html`<span class="muted">Signed in as ${viewer.username}</span>`
    : viewer
    ? html`${TABS.filter(([, , show]) => show(viewer)).map(([href, label]) =>
      html`<a href="${href}"${options.path === href ? raw(' class="current" aria-current="page"') : ''}>${label}</a>`)}
      <form class="inline" method="post" action="/logout">${csrfField(options.csrfToken)}<button class="link" type="submit">Log out ${viewer.username}</button></form>`
    : html`<a href="/">Front page</a><a href="/login">Log in</a><a href="/signup">Sign up</a>`;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title} · Demo forum</title>
<style>${raw(STYLESHEET)}</style>
</head>
<body>
<header><div class="bar"><a class="brand" href="/">Demo forum</a><nav>${nav}</nav></div></header>
<main>
${flashBox(options.flash)}
${body}
</main>
</body>
</html>
`.value;
}
