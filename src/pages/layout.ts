import { escapeHtml } from './escape';

const STYLE = `
:root{color-scheme:light dark;--fg:#1d232b;--muted:#5b6675;--bg:#f4f6f8;--card:#fff;--line:#d9dee4;--accent:#1f5fbf;--danger:#a12a2a;--ok:#146c2e;--ok-bg:#e3f4e8;--on-accent:#fff;--warn:#b54708;--warn-bg:#fffaeb}
@media (prefers-color-scheme:dark){:root{--fg:#e8ecf0;--muted:#a3adb9;--bg:#14181d;--card:#1d232b;--line:#333c47;--accent:#7fb0ff;--danger:#ff8f8f;--ok:#8fdca6;--ok-bg:#1f3a29;--on-accent:#14181d;--warn:#f5b86a;--warn-bg:#33260f}}
*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:32rem;margin:2rem auto;padding:0 1rem}.card{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:1.5rem}
h1{font-size:1.35rem;margin:0 0 .75rem}p{margin:.5rem 0}.muted{color:var(--muted);font-size:.9rem}
ul.scopes{padding-left:0;list-style:none;margin:.75rem 0}ul.scopes li{padding:.5rem .75rem;border:1px solid var(--line);border-radius:8px;margin:.4rem 0}
ul.scopes li strong{display:block}.not li{border-style:dashed}
.actions{display:flex;gap:.75rem;flex-wrap:wrap;margin-top:1.25rem}
button{font:inherit;padding:.65rem 1.2rem;border-radius:8px;border:1px solid var(--line);background:var(--card);color:var(--fg);cursor:pointer;min-width:8rem}
button.primary{background:var(--accent);border-color:var(--accent);color:var(--on-accent)}button:focus-visible,a:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
a{color:var(--accent)}.error h1{color:var(--danger)}code,.pin{font-family:ui-monospace,Menlo,Consolas,monospace}
.pin{font-size:2rem;letter-spacing:.2em;text-align:center;padding:1rem;border:2px dashed var(--line);border-radius:8px;margin:1rem 0}
.consent h2{font-size:1rem;margin:1.25rem 0 .5rem}.app-head{display:flex;gap:.9rem;align-items:flex-start}.app-head h1{margin:0 0 .25rem;overflow-wrap:anywhere}
.monogram{flex:none;width:3rem;height:3rem;border-radius:10px;background:var(--accent);color:var(--on-accent);display:flex;align-items:center;justify-content:center;font-size:1.5rem;font-weight:700}
.about{margin:1rem 0;padding:.6rem .9rem;border-left:4px solid var(--line);background:var(--bg);border-radius:0 8px 8px 0}.about blockquote{margin:0;overflow-wrap:anywhere}.about figcaption{margin-top:.25rem}
.account{display:flex;flex-wrap:wrap;gap:.25rem .75rem;align-items:baseline;padding:.6rem .9rem;border:1px solid var(--line);border-radius:8px;margin:1rem 0}
.consent ul.scopes li{display:flex;gap:.6rem;align-items:flex-start;border:0;border-radius:0;margin:0;padding:.4rem 0;border-bottom:1px solid var(--line)}.consent ul.scopes li:last-child{border-bottom:0}
.mark{flex:none;width:1.4rem;height:1.4rem;border-radius:50%;display:inline-flex;align-items:center;justify-content:center;font-size:.85rem;font-weight:700;margin-top:.05rem}
dl.claims{margin:.5rem 0}dl.claims div{display:flex;flex-wrap:wrap;gap:0 .75rem;padding:.35rem 0;border-bottom:1px solid var(--line)}dl.claims div:last-child{border-bottom:0}dl.claims dt{color:var(--muted);min-width:8rem}dl.claims dd{margin:0;overflow-wrap:anywhere}
.can .mark{background:var(--ok-bg);color:var(--ok)}.cannot .mark{background:var(--bg);color:var(--muted)}.cannot li{color:var(--muted)}
.notice{margin-top:1.25rem;padding-top:1rem;border-top:1px solid var(--line)}.origin{overflow-wrap:anywhere}
.consent .actions button{flex:1 1 9rem}
label{display:block;font-weight:600;margin-bottom:.25rem}.code-input{font:inherit;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:1.5rem;letter-spacing:.15em;padding:.5rem;width:100%;border:1px solid var(--line);border-radius:8px;background:var(--card);color:var(--fg)}
.warning{margin:1rem 0 0;padding:.6rem .9rem;border:1px solid var(--warn);border-left-width:4px;border-radius:8px;background:var(--warn-bg)}.user-code{font-family:ui-monospace,Menlo,Consolas,monospace;letter-spacing:.1em;white-space:nowrap}`;

/** The built-in layout: a complete, self-contained page, inline style only, nothing loaded from elsewhere. */
export function builtInLayout(title: string, bodyHtml: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">`
    + `<title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body><main>${bodyHtml}</main></body></html>`;
}

