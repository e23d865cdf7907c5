import { html } from './html';
import { layout, type Viewer } from './layout';

export function errorPage(view: { viewer: Viewer | null; csrfToken: string; title: string; message: string }): string {
  return layout({ title: view.title, viewer: view.viewer, csrfToken: view.csrfToken }, html`
<div class="card">
  <h1>${view.title}</h1>
  <p>${view.message}</p>
  <p><a href="/">Back to the front page</a></p>
</div>`);
}
