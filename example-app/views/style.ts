import { createHash } from 'node:crypto';

// One inline stylesheet and no external assets: the CSP allows exactly this text by its hash.
export const STYLESHEET = `
:root { --fg:#1d2330; --muted:#5d6678; --line:#dde1e8; --bg:#f5f6f8; --card:#fff; --accent:#3451b2; --danger:#b42318; --ok:#067647; }
* { box-sizing: border-box; }
body { margin:0; font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif; color:var(--fg); background:var(--bg); }
header { background:var(--card); border-bottom:1px solid var(--line); }
header .bar { max-width:56rem; margin:0 auto; padding:.6rem 1rem; display:flex; gap:1rem; align-items:center; flex-wrap:wrap; }
header .brand { font-weight:700; color:var(--fg); text-decoration:none; margin-right:auto; }
header nav { display:flex; gap:.9rem; flex-wrap:wrap; align-items:center; }
header nav a { color:var(--muted); text-decoration:none; }
header nav a:hover, header nav a.current { color:var(--accent); }
main { max-width:56rem; margin:1.5rem auto; padding:0 1rem; }
h1 { font-size:1.5rem; margin:0 0 1rem; } h2 { font-size:1.15rem; margin:1.5rem 0 .6rem; }
.card > h1:first-child, .card > h2:first-child { margin-top:0; }
.card { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:1rem 1.2rem; margin-bottom:1rem; }
.muted { color:var(--muted); } .small { font-size:.875rem; }
.flash { border-radius:8px; padding:.7rem 1rem; margin-bottom:1rem; border:1px solid; }
.flash.ok { background:#ecfdf3; border-color:#abefc6; color:var(--ok); }
.flash.error { background:#fef3f2; border-color:#fecdca; color:var(--danger); }
.secret { background:#fffaeb; border:1px solid #fedf89; border-radius:8px; padding:.8rem 1rem; margin:.6rem 0; }
.secret code { display:block; font-size:1rem; word-break:break-all; margin:.3rem 0; padding:.4rem; background:#fff; border-radius:4px; }
label { display:block; font-weight:600; margin:.7rem 0 .2rem; }
input[type=text], input[type=password], input[type=url], textarea, select { width:100%; padding:.5rem .6rem; border:1px solid var(--line); border-radius:6px; font:inherit; background:#fff; }
textarea { min-height:4.5rem; }
.checks label { display:inline-flex; gap:.3rem; font-weight:400; margin-right:1rem; }
button { font:inherit; padding:.45rem .9rem; border-radius:6px; border:1px solid var(--accent); background:var(--accent); color:#fff; cursor:pointer; }
button.secondary { background:#fff; color:var(--accent); }
button.danger { background:#fff; color:var(--danger); border-color:var(--danger); }
button.link { background:none; border:none; color:var(--muted); padding:0; }
form.inline { display:inline; }
.actions { display:flex; gap:.5rem; flex-wrap:wrap; margin-top:.8rem; align-items:center; }
dl.meta { display:grid; grid-template-columns:max-content 1fr; gap:.2rem 1rem; margin:.5rem 0; }
dl.meta dt { color:var(--muted); } dl.meta dd { margin:0; min-width:0; overflow-wrap:anywhere; }
.status { display:inline-block; font-size:.8rem; padding:.05rem .5rem; border-radius:99px; border:1px solid var(--line); }
.status.approved { color:var(--ok); border-color:#abefc6; } .status.pending { color:#b54708; border-color:#fedf89; }
.status.denied, .status.suspended { color:var(--danger); border-color:#fecdca; }
.post { display:flex; gap:1rem; } .post .score { min-width:2.5rem; text-align:center; font-weight:700; color:var(--accent); }
.post h3 { margin:0 0 .2rem; font-size:1.05rem; }
ul.scopes { margin:.3rem 0; padding-left:1.2rem; }
code { font-family:ui-monospace,SFMono-Regular,Menlo,monospace; font-size:.9em; }
.consent { max-width:36rem; margin:0 auto 1rem; } .consent h1 { font-size:1.3rem; overflow-wrap:anywhere; } .consent h2 { font-size:1rem; margin:1.2rem 0 .4rem; }
.about { margin:1rem 0; padding:.6rem .9rem; border-left:4px solid var(--line); background:var(--bg); border-radius:0 6px 6px 0; }
.about blockquote { margin:0; overflow-wrap:anywhere; } .about figcaption { margin-top:.2rem; }
.account { padding:.6rem .9rem; border:1px solid var(--line); border-radius:6px; } .account a { color:var(--accent); }
ul.consent-scopes { list-style:none; padding:0; margin:.2rem 0; }
ul.consent-scopes li { display:flex; gap:.6rem; align-items:flex-start; padding:.35rem 0; border-bottom:1px solid var(--line); } ul.consent-scopes li:last-child { border-bottom:0; }
.mark { flex:none; width:1.4rem; height:1.4rem; border-radius:50%; display:inline-flex; align-items:center; justify-content:center; font-size:.85rem; font-weight:700; margin-top:.05rem; }
.can .mark { background:#ecfdf3; color:var(--ok); } .cannot .mark { background:var(--bg); color:var(--muted); } .cannot li { color:var(--muted); }
/* What it will not get is reassurance, not a decision: compact, so Allow and Deny stay near the fold on a phone. */
ul.consent-scopes.cannot li { padding:.15rem 0; border-bottom:0; font-size:.95rem; }
.notice { margin-top:1.2rem; padding-top:.9rem; border-top:1px solid var(--line); } .origin { overflow-wrap:anywhere; }
.consent .actions button { flex:1 1 9rem; padding:.65rem 1rem; }
.warning { margin:1rem 0 0; padding:.6rem .9rem; border:1px solid #fedf89; border-left:4px solid #b54708; border-radius:6px; background:#fffaeb; }
.user-code { font-family:ui-monospace,SFMono-Regular,Menlo,monospace; letter-spacing:.1em; white-space:nowrap; }
.task { max-width:36rem; margin:0 auto 1rem; } .switching { margin:0 0 .5rem; padding:.6rem .9rem; border:1px solid var(--line); border-radius:6px; background:var(--bg); } .switching a { color:var(--accent); }
.provider-page h1 { overflow-wrap:anywhere; } .provider-page .error h1 { color:var(--danger); } .provider-page a { color:var(--accent); }
.pin { font-family:ui-monospace,SFMono-Regular,Menlo,monospace; font-size:2rem; letter-spacing:.2em; text-align:center; padding:1rem; margin:1rem 0; border:2px dashed var(--line); border-radius:8px; overflow-wrap:anywhere; }
input.code-input { font-family:ui-monospace,SFMono-Regular,Menlo,monospace; font-size:1.5rem; letter-spacing:.15em; padding:.5rem; }
`;

export const STYLESHEET_CSP_SOURCE = `'sha256-${createHash('sha256').update(STYLESHEET).digest('base64')}'`;
