// Prints the table test/MUTATION.md keeps, from the JSON report `npm run mutate` writes:
// `node test/mutation-summary.mjs [reports/mutation/mutation.json]`.
import { readFileSync } from 'node:fs';

const report = JSON.parse(readFileSync(process.argv[2] ?? 'reports/mutation/mutation.json', 'utf8'));
const DETECTED = new Set(['Killed', 'Timeout']);
const COUNTED = new Set(['Killed', 'Timeout', 'Survived', 'NoCoverage']);
// A changed message is reported apart: it is no security rule, and tests pin the messages that matter.
const isMessage = (m) => m.mutatorName === 'StringLiteral';
const score = (ms) => {
  const counted = ms.filter((m) => COUNTED.has(m.status));
  return counted.length === 0 ? '–' : `${((100 * counted.filter((m) => DETECTED.has(m.status)).length) / counted.length).toFixed(1)} %`;
};
const count = (ms, status) => ms.filter((m) => m.status === status).length;

const rows = [];
const survivors = [];
const all = [];
for (const [file, { mutants }] of Object.entries(report.files).sort(([a], [b]) => a.localeCompare(b))) {
  all.push(...mutants);
  const code = mutants.filter((m) => !isMessage(m));
  rows.push(`| \`${file}\` | ${count(mutants, 'Killed')} | ${count(mutants, 'Survived')} | ${count(mutants, 'NoCoverage')} | ${count(mutants, 'Timeout')} | ${count(mutants, 'CompileError') + count(mutants, 'RuntimeError')} | ${score(code)} | ${score(mutants.filter(isMessage))} |`);
  for (const m of mutants.filter((x) => x.status === 'Survived' || x.status === 'NoCoverage')) {
    survivors.push(`- \`${file}:${m.location.start.line}\` ${m.status === 'NoCoverage' ? 'no coverage' : 'survived'}, ${m.mutatorName}${isMessage(m) ? ' (message)' : ''}: \`${String(m.replacement ?? '').replace(/\s+/g, ' ').slice(0, 90)}\``);
  }
}
const code = all.filter((m) => !isMessage(m));
rows.push(`| **all** | ${count(all, 'Killed')} | ${count(all, 'Survived')} | ${count(all, 'NoCoverage')} | ${count(all, 'Timeout')} | ${count(all, 'CompileError') + count(all, 'RuntimeError')} | **${score(code)}** | ${score(all.filter(isMessage))} |`);
process.stdout.write([
  '| file | killed | survived | no coverage | timeout | invalid | score (code) | score (messages) |',
  '|---|---|---|---|---|---|---|---|',
  ...rows,
  '',
  ...survivors,
  '',
].join('\n'));
