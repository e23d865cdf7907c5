import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';

/**
 * The repository stands alone: what its documents link to or name as a path exists here, nothing
 * cites a document kept outside it, and every checklist id that a test name or comment cites is
 * defined in docs/security-checklist.md (so "it('A2 …')" can be looked up).
 */
const ROOT = path.resolve(__dirname, '../..');
const DOCS = ['README.md', 'example-app/README.md', 'bench/RESULTS.md',
  ...fs.readdirSync(path.join(ROOT, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];
const SCANNED_DIRS = ['src', 'adapters', 'example-app', 'test', 'bench', 'docs'];
const TEXT_FILE = /\.(ts|mjs|cjs|js|md|json|html|css|sh|ya?ml|txt)$/;

/** Directories named in .gitignore (`dist/`, `example-app/data/`, …): generated, never in the repository. */
const IGNORED_DIRS = fs.readFileSync(path.join(ROOT, '.gitignore'), 'utf8').split('\n')
  .map((line) => line.trim()).filter((line) => line.endsWith('/') && !line.includes('*')).map((line) => line.slice(0, -1));

function isIgnored(relative: string): boolean {
  return IGNORED_DIRS.some((dir) => relative === dir || relative.startsWith(`${dir}/`) || relative.split('/').includes(dir));
}

function walk(relativeDir: string): string[] {
  return fs.readdirSync(path.join(ROOT, relativeDir), { withFileTypes: true }).flatMap((entry) => {
    const relative = `${relativeDir}/${entry.name}`;
    if (isIgnored(relative)) return [];
    if (entry.isDirectory()) return walk(relative);
    return TEXT_FILE.test(entry.name) ? [relative] : [];
  });
}

/** This file names the outside documents and made-up ids in its patterns and samples, so its own scans leave it out. */
const THIS_FILE = path.relative(ROOT, __filename).split(path.sep).join('/');
const SCANNED_FILES = ['README.md', ...SCANNED_DIRS.flatMap(walk)];
const read = (relative: string) => fs.readFileSync(path.join(ROOT, relative), 'utf8');
const BASENAMES = new Set(SCANNED_FILES.map((file) => path.basename(file)));
const TOP_LEVEL = new Set(fs.readdirSync(ROOT).filter((name) => name !== 'node_modules'));

/** Markdown without its fenced code blocks: code there is an example, not a reference. */
const prose = (markdown: string) => markdown.replace(/^```[^\n]*\n[\s\S]*?^```$/gm, '');

function relativeLinks(markdown: string): string[] {
  return [...prose(markdown).matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!)
    .filter((target) => !/^([a-z][a-z0-9+.-]*:|#)/i.test(target))
    .map((target) => decodeURIComponent(target.replace(/#.*$/, '')));
}

const PATH_TOKEN = /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.*-]+)*\/?$/;
const FILE_EXTENSION = /\.(ts|mjs|cjs|js|md|json|sh|ya?ml)$/;

/**
 * Words inside `code spans` that name a repository path: one starting with a top-level entry
 * (`src/…`, `test/…`, `.ci/run`) or a file name (`storage.ts`). Package subpaths
 * (`express-oauth-provider/adapters/knex`), URLs, routes and content types are not paths here.
 */
function backtickedPaths(markdown: string): string[] {
  const spans = [...prose(markdown).matchAll(/`([^`\n]+)`/g)].map((m) => m[1]!);
  return spans.flatMap((span) => span.split(/\s+/))
    .map((word) => word.replace(/[),;:]+$/, ''))
    .filter((word) => PATH_TOKEN.test(word) && word !== '.' && !word.startsWith('..'))
    .filter((word) => TOP_LEVEL.has(word.split('/')[0]!) ? word.includes('/') || FILE_EXTENSION.test(word) : FILE_EXTENSION.test(word));
}

/** Whether `target`, as written in `doc`, exists: relative to the document, else to the root; a bare file name anywhere. */
function exists(doc: string, target: string): boolean {
  const withoutGlob = target.replace(/\/?\*.*$/, '');
  const candidates = [path.join(ROOT, path.dirname(doc), withoutGlob), path.join(ROOT, withoutGlob)];
  if (candidates.some((candidate) => fs.existsSync(candidate))) return true;
  return !target.includes('/') && BASENAMES.has(target);
}

describe('the documents only point at what the repository holds', () => {
  it.each(DOCS)('every relative link in %s exists', (doc) => {
    const missing = relativeLinks(read(doc)).filter((target) => !fs.existsSync(path.join(ROOT, path.dirname(doc), target)));
    expect(missing).toEqual([]);
  });

  it.each(DOCS)('every backticked repository path in %s exists', (doc) => {
    const missing = backtickedPaths(read(doc))
      .filter((target) => !isIgnored(target.replace(/\/$/, '')) && !exists(doc, target));
    expect(missing).toEqual([]);
  });

  it('finds the paths it is meant to check (the scan is not vacuous)', () => {
    const readme = read('README.md');
    expect(relativeLinks(readme)).toEqual(expect.arrayContaining(['example-app/README.md', 'docs/security-checklist.md', 'docs/client-dialects.md']));
    expect(backtickedPaths(readme)).toEqual(expect.arrayContaining(['test/security/a-authorize.test.ts', 'example-app/routes/dialects.ts']));
    expect(backtickedPaths('`express-oauth-provider/adapters/knex` `text/plain` `/oauth/token` `GET /unread` `node test/x.mjs`')).toEqual(['test/x.mjs']);
    expect(exists('README.md', 'test/nowhere.test.ts')).toBe(false);
  });
});

/** Documents kept outside the repository, named in ways our files used to cite them. */
const OUTSIDE_DOCUMENTS: Array<[string, RegExp]> = [
  ['the security checklist kept elsewhere', /SECURITY\.md/],
  ['the design contract', /DESIGN\.md|DESIGN\s§|\bDESIGN\b/],
  ['a checklist section by its old heading', /\bSECURITY\s+(§|[A-P]\d)/],
  ['the guides as files', /seeds\//],
  ['a path out of the repository', /\.\.\/shared/],
];

describe('nothing cites a document outside the repository', () => {
  it.each(OUTSIDE_DOCUMENTS)('no file names %s', (_what, pattern) => {
    const offending = SCANNED_FILES.filter((file) => file !== THIS_FILE).flatMap((file) => read(file).split('\n')
      .map((line, index) => ({ file, line: index + 1, text: line.trim() }))
      .filter(({ text }) => pattern.test(text)));
    expect(offending).toEqual([]);
  });

  it('scans every area it claims to', () => {
    for (const dir of SCANNED_DIRS) expect(SCANNED_FILES.some((file) => file.startsWith(`${dir}/`))).toBe(true);
    expect(SCANNED_FILES).not.toContainEqual(expect.stringContaining('node_modules'));
  });
});

const CHECKLIST = read('docs/security-checklist.md');
const DEFINED_IDS = new Set([...CHECKLIST.matchAll(/^- \*\*((?:[A-P]|IO-)\d{1,2})\*\*/gm)].map((m) => m[1]!));
const DECISIONS = new Set([...CHECKLIST.split(/^## /m).find((part) => part.startsWith('Decisions'))!
  .matchAll(/^(\d+)\. /gm)].map((m) => Number(m[1])));

const ID = String.raw`(?:[A-P]\d{1,2}|IO-\d{1,2})`;
/** A test title that starts with ids: `it('A2 refuses …'`, `it("J2/K3 gives …"`, `describe('IO-17 …'`. */
const TITLE_IDS = new RegExp(String.raw`['"\`](${ID}(?:/${ID})*)[ :]`, 'g');
/** An id cited in prose or a comment: `(N8)`, `(A6, IO-6)`, `checklist item P1`, `group N`'s `IO-9`. */
const CITED_IDS = new RegExp(String.raw`\((${ID})[),:;\s]|\b(?:item|items|checks?)\s+(${ID})\b|\b(IO-\d{1,2})\b`, 'g');

function idsIn(text: string, { titles }: { titles: boolean }): string[] {
  return [
    ...(titles ? [...text.matchAll(TITLE_IDS)].flatMap((m) => m[1]!.split('/')) : []),
    ...[...text.matchAll(CITED_IDS)].map((m) => (m[1] ?? m[2] ?? m[3])!),
  ];
}

const citedIds = (file: string) => idsIn(read(file), { titles: file.endsWith('.test.ts') }).map((id) => ({ file, id }));

describe('every checklist id cited in the repository is in docs/security-checklist.md', () => {
  const citingFiles = SCANNED_FILES.filter((file) => file !== THIS_FILE)
    .filter((file) => /\.(ts|mjs)$/.test(file) || file.endsWith('README.md') || file === 'bench/RESULTS.md');
  const cited = citingFiles.flatMap(citedIds);

  it('defines every group A to P, the integrator obligations and the numbered decisions', () => {
    for (const group of 'ABCDEFGHIJKLMNOP') expect(DEFINED_IDS).toContain(`${group}1`);
    for (let n = 1; n <= 17; n++) expect(DEFINED_IDS).toContain(`IO-${n}`);
    expect([...DECISIONS]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it('finds the ids the tests are named after (the scan is not vacuous)', () => {
    const ids = new Set(cited.map(({ id }) => id));
    for (const id of ['A2', 'B11', 'E10', 'J2', 'K3', 'N8', 'N11', 'O3', 'P1', 'IO-9', 'IO-17']) expect(ids).toContain(id);
    const sample = "it('N12 refuses …'); it(\"J2/K9 gives …\"); // (Q4) (B12) checklist item P3, IO-18\n"
      + "const s = 'S256 challenge'; const hex = '%E0%A4%A'; it('refuses A1 later in the title');";
    expect(idsIn(sample, { titles: true })).toEqual(['N12', 'J2', 'K9', 'B12', 'P3', 'IO-18']);
  });

  it('has no cited id the checklist lacks', () => {
    expect(cited.filter(({ id }) => !DEFINED_IDS.has(id))).toEqual([]);
  });

  it('has no "decision n" the checklist lacks', () => {
    const unknown = citingFiles.flatMap((file) => [...read(file).matchAll(/\bdecision (\d+)\b/g)]
      .map((m) => ({ file, decision: Number(m[1]) }))).filter(({ decision }) => !DECISIONS.has(decision));
    expect(unknown).toEqual([]);
  });
});
