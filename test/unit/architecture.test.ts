/**
 * The layout rules the README's "Architecture" section promises, checked on the source text so a
 * change that breaks one fails here instead of in the next structural review:
 * - one file talks to @node-oauth/oauth2-server;
 * - adapters see only the published storage contract;
 * - pages know nothing but escaping (and Express's request type);
 * - the areas of src/ (its first-level folders; each root file counts as its own area) import
 *   each other without cycles;
 * - no source file grows past MAX_LINES.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const ROOT = resolve(__dirname, '../..');
const MAX_LINES = 250;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}

const files = [...sourceFiles(join(ROOT, 'src')), ...sourceFiles(join(ROOT, 'adapters'))];
const rel = (path: string) => relative(ROOT, path).split(sep).join('/');

/** Every module specifier a file names: static imports, re-exports and dynamic imports. */
function specifiers(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)].map((m) => m[1]!);
}

function resolveRelative(from: string, spec: string): string {
  const base = resolve(dirname(from), spec);
  for (const candidate of [`${base}.ts`, join(base, 'index.ts')]) {
    if (existsSync(candidate)) return rel(candidate);
  }
  throw new Error(`${rel(from)} imports ${spec}, which resolves to no file`);
}

const imports = new Map(files.map((file) => [rel(file), specifiers(file)]));
const localImports = new Map(files.map((file) => [
  rel(file),
  specifiers(file).filter((s) => s.startsWith('.')).map((s) => resolveRelative(file, s)),
]));

/** src/grants/library.ts → "grants"; src/errors.ts → "errors.ts"; adapters are outside the graph. */
function areaOf(path: string): string | null {
  const parts = path.split('/');
  if (parts[0] !== 'src') return null;
  return parts[1]!;
}

describe('architecture', () => {
  test('exactly one file imports @node-oauth/oauth2-server: src/grants/library.ts', () => {
    const importers = [...imports].filter(([, specs]) => specs.some((s) => s.startsWith('@node-oauth/oauth2-server')))
      .map(([file]) => file);
    expect(importers).toEqual(['src/grants/library.ts']);
  });

  test('adapters import nothing from src/ but the storage contract (src/storage/index.ts)', () => {
    const leaks = [...localImports].filter(([file]) => file.startsWith('adapters/'))
      .flatMap(([file, targets]) => targets.filter((t) => t.startsWith('src/') && t !== 'src/storage/index.ts')
        .map((t) => `${file} -> ${t}`));
    expect(leaks).toEqual([]);
  });

  test('pages import only each other, escape-html and Express types', () => {
    const allowedPackages = new Set(['escape-html', 'express']);
    const leaks = [...imports].filter(([file]) => file.startsWith('src/pages/'))
      .flatMap(([file, specs]) => specs.filter((s) => (s.startsWith('.') ? !s.startsWith('./') : !allowedPackages.has(s)))
        .map((s) => `${file} -> ${s}`));
    expect(leaks).toEqual([]);
  });

  test('the areas of src/ import each other without a cycle', () => {
    const edges = new Map<string, Set<string>>();
    for (const [file, targets] of localImports) {
      const from = areaOf(file);
      if (from === null) continue;
      for (const target of targets) {
        const to = areaOf(target);
        if (to === null || to === from) continue;
        if (!edges.has(from)) edges.set(from, new Set());
        edges.get(from)!.add(to);
      }
    }
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (area: string, path: string[]) => {
      if (state.get(area) === 'done') return;
      if (state.get(area) === 'open') {
        cycles.push([...path.slice(path.indexOf(area)), area].join(' -> '));
        return;
      }
      state.set(area, 'open');
      for (const next of edges.get(area) ?? []) visit(next, [...path, area]);
      state.set(area, 'done');
    };
    for (const area of edges.keys()) visit(area, []);
    expect(cycles).toEqual([]);
  });

  test(`no source file in src/ or adapters/ is longer than ${MAX_LINES} lines`, () => {
    const long = files.map((file) => ({ file: rel(file), lines: readFileSync(file, 'utf8').split('\n').length - 1 }))
      .filter(({ lines }) => lines > MAX_LINES).map(({ file, lines }) => `${file}: ${lines}`);
    expect(long).toEqual([]);
  });
});
