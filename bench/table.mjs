/** Turning measurements into the markdown tables, the goal check, and the JSON file. */
import { GOALS, LIKE_FOR_LIKE } from './scenarios.mjs';

export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** The median of a per-run figure, or null when a run has none (no request completed). */
const medianOf = (runs, key) => (runs.every((run) => run[key] != null) ? median(runs.map((run) => run[key])) : null);

/** Medians over the runs, and the ratio to the bare-Express baseline of the same invocation. */
export function summarise(results) {
  const bare = results.find((r) => r.name === 'bare');
  const bareRps = bare ? median(bare.runs.map((r) => r.rps)) : null;
  return results.map((r) => {
    const rps = median(r.runs.map((run) => run.rps));
    const all = r.runs.map((run) => run.rps);
    return {
      ...r,
      rps,
      /** How far apart the rounds were: (max − min) / median. */
      spread: rps ? (Math.max(...all) - Math.min(...all)) / rps : null,
      p50: median(r.runs.map((run) => run.p50)),
      p99: median(r.runs.map((run) => run.p99)),
      cpuPerRequest: medianOf(r.runs, 'cpuPerRequest'),
      redisCommands: medianOf(r.runs, 'redisCommandsPerRequest'),
      redisRoundTrips: medianOf(r.runs, 'redisRoundTripsPerRequest'),
      sql: medianOf(r.runs, 'sqlPerRequest'),
      redisCpu: medianOf(r.runs, 'redisCpuPerRequest'),
      vsBare: bareRps ? rps / bareRps : null,
      failures: r.runs.reduce((sum, run) => sum + run.non2xx + run.errors + run.reused, 0),
    };
  });
}

const fixed = (n, digits) => (n === null || n === undefined ? '–' : n.toFixed(digits));

export function markdownTable(summary) {
  const rows = [
    '| scenario | what | req/s (median) | × bare | CPU µs/req | spread (min–max) | p50 ms | p99 ms | Redis cmds/req | Redis RT/req | Redis CPU µs/req | SQL/req | failed |',
    '|---|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of summary) {
    const all = r.runs.map((run) => run.rps);
    const spread = `${fixed(r.spread === null ? null : 100 * r.spread, 0)}% (${Math.round(Math.min(...all))}–${Math.round(Math.max(...all))})`;
    rows.push(`| ${r.name} | ${r.label} | ${Math.round(r.rps)} | ${fixed(r.vsBare, 2)} | ${fixed(r.cpuPerRequest, 0)} | ${spread} | ${fixed(r.p50, 2)} | ${fixed(r.p99, 2)} | ${fixed(r.redisCommands, 2)} | ${fixed(r.redisRoundTrips, 2)} | ${fixed(r.redisCpu, 0)} | ${fixed(r.sql, 2)} | ${r.failures} |`);
  }
  return rows.join('\n');
}

/** What a request waited on: Redis round trips plus SQL queries. */
const waits = (r) => (r.redisRoundTrips === null && r.sql === null ? null : (r.redisRoundTrips ?? 0) + (r.sql ?? 0));

/** Per grant, the peers beside ours; null when none of its scenarios was measured. */
export function likeForLikeTable(summary) {
  const byName = new Map(summary.map((r) => [r.name, r]));
  const cell = (name) => {
    const r = byName.get(name);
    return r ? `${r.vsBare === null ? '–' : `${r.vsBare.toFixed(2)}×`} · ${fixed(r.cpuPerRequest, 0)} µs · Redis ${fixed(r.redisCpu, 0)} µs · ${fixed(waits(r), 1)}` : '–';
  };
  const rows = Object.entries(LIKE_FOR_LIKE.rows).filter(([, names]) => names.some((n) => byName.has(n)));
  if (!rows.length) return null;
  return [
    `| grant | ${LIKE_FOR_LIKE.columns.join(' | ')} |`,
    `|---|${LIKE_FOR_LIKE.columns.map(() => '---:').join('|')}|`,
    ...rows.map(([grant, names]) => `| ${grant} | ${names.map(cell).join(' | ')} |`),
  ].join('\n');
}

/** How each metric reads a scenario, compares, and says so. */
const METRICS = {
  rps: { of: (r) => r.rps, ratio: true, cmp: '≥', unit: ' req/s', digits: 0 },
  cpu: { of: (r) => r.cpuPerRequest, ratio: true, cmp: '≤', unit: ' µs CPU/req', digits: 0 },
  p99: { of: (r) => r.p99, ratio: true, cmp: '≤', unit: ' ms p99', digits: 2 },
  cpuAbs: { of: (r) => r.cpuPerRequest, ratio: false, cmp: '≤', unit: ' µs CPU/req', digits: 0 },
  redisRt: { of: (r) => r.redisRoundTrips, ratio: false, cmp: '≤', unit: ' Redis round trips/req', digits: 2 },
  sql: { of: (r) => r.sql, ratio: false, cmp: '≤', unit: ' SQL queries/req', digits: 2 },
};

/** Each goal whose scenarios were measured: the figures used, and whether the target is met. */
export function checkGoals(summary) {
  const byName = new Map(summary.map((r) => [r.name, r]));
  return GOALS.filter((g) => byName.has(g.a) && (!METRICS[g.metric].ratio || byName.has(g.b))).map((g) => {
    const m = METRICS[g.metric];
    const a = m.of(byName.get(g.a));
    if (m.ratio) {
      const b = m.of(byName.get(g.b));
      const ratio = a !== null && b ? a / b : null;
      const met = ratio !== null && (m.cmp === '≥' ? ratio >= g.factor : ratio <= g.factor);
      const text = `${g.a} ${m.cmp} ${g.factor} × ${g.b} (${g.metric}): ${fixed(a, m.digits)} vs ${fixed(b, m.digits)}${m.unit} = ${fixed(ratio, 2)}×`;
      return { ...g, value: a, against: b, ratio, met, text: `${met ? 'met' : 'MISSED'} — ${text}` };
    }
    const met = a !== null && a <= g.limit;
    const text = `${g.a} ${m.cmp} ${g.limit}${m.unit} (${g.metric}): ${fixed(a, m.digits)}`;
    return { ...g, value: a, met, text: `${met ? 'met' : 'MISSED'} — ${text}` };
  });
}
