/** Turning measurements into the markdown table, the goal check, and the JSON file. */
import { GOALS } from './scenarios.mjs';

export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Medians over the runs, and the ratio to the bare-Express baseline of the same invocation. */
export function summarise(results) {
  const bare = results.find((r) => r.name === 'bare');
  const bareRps = bare ? median(bare.runs.map((r) => r.rps)) : null;
  return results.map((r) => {
    const rps = median(r.runs.map((run) => run.rps));
    return {
      ...r,
      rps,
      p50: median(r.runs.map((run) => run.p50)),
      p99: median(r.runs.map((run) => run.p99)),
      cpuPerRequest: r.runs.every((run) => run.cpuPerRequest != null) ? median(r.runs.map((run) => run.cpuPerRequest)) : null,
      vsBare: bareRps ? rps / bareRps : null,
      failures: r.runs.reduce((sum, run) => sum + run.non2xx + run.errors + run.reused, 0),
    };
  });
}

const fixed = (n, digits) => (n === null || n === undefined ? '–' : n.toFixed(digits));

export function markdownTable(summary) {
  const rows = [
    '| scenario | what | req/s (median) | p50 ms | p99 ms | × bare | CPU µs/req | runs req/s | failed |',
    '|---|---|---:|---:|---:|---:|---:|---|---:|',
  ];
  for (const r of summary) {
    rows.push(`| ${r.name} | ${r.label} | ${Math.round(r.rps)} | ${fixed(r.p50, 2)} | ${fixed(r.p99, 2)} | ${fixed(r.vsBare, 2)} | ${fixed(r.cpuPerRequest, 0)} | ${r.runs.map((run) => Math.round(run.rps)).join(' / ')} | ${r.failures} |`);
  }
  return rows.join('\n');
}

/** Each goal whose two scenarios were measured: the actual ratio against the target. */
export function checkGoals(summary) {
  const byName = new Map(summary.map((r) => [r.name, r]));
  return GOALS.filter((g) => byName.has(g.a) && byName.has(g.b)).map((g) => {
    const a = byName.get(g.a);
    const b = byName.get(g.b);
    const ratio = g.metric === 'rps' ? a.rps / b.rps : a.p99 / b.p99;
    const met = g.metric === 'rps' ? ratio >= g.factor : ratio <= g.factor;
    const text = g.metric === 'rps'
      ? `${g.a} ≥ ${g.factor} × ${g.b} req/s: ${Math.round(a.rps)} vs ${Math.round(b.rps)} = ${ratio.toFixed(2)}×`
      : `p99 ${g.a} ≤ ${g.factor} × p99 ${g.b}: ${a.p99.toFixed(2)} ms vs ${b.p99.toFixed(2)} ms = ${ratio.toFixed(2)}×`;
    return { ...g, ratio, met, text: `${met ? 'met' : 'MISSED'} — ${text}` };
  });
}
