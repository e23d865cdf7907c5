#!/usr/bin/env node
/**
 * The top self-time frames of V8 .cpuprofile files, summed over all of them (the bench writes one
 * per measured window, bench/profiles/<scenario>/window-<n>.cpuprofile):
 *   node bench/profile.mjs bench/profiles/token-code/*.cpuprofile [count, default 20]
 * Self time is summed per function (name + file + line), across every place it was sampled;
 * percentages are of the CPU time sampled, so the samples where the thread was idle are left out.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function topFrames(files, count = 20) {
  const self = new Map();
  let total = 0;
  for (const file of [files].flat()) {
    const profile = JSON.parse(readFileSync(file, 'utf8'));
    const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
    profile.samples.forEach((id, i) => {
      const { functionName, url, lineNumber } = nodes.get(id).callFrame;
      if (functionName === '(idle)') return;
      const where = url ? `${url.replace(/^file:\/\//, '').replace(/^.*\/node_modules\//, '~/').replace(process.cwd() + '/', '')}:${lineNumber + 1}` : '';
      const key = `${functionName || '(anonymous)'} ${where}`.trim();
      const dt = profile.timeDeltas[i] ?? 0;
      self.set(key, (self.get(key) ?? 0) + dt);
      total += dt;
    });
  }
  return [...self].sort((a, b) => b[1] - a[1]).slice(0, count)
    .map(([key, us]) => `${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${key}`)
    .join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--count');
  // A trailing bare number is the count too, as in the earlier one-file form `profile.mjs FILE 30`.
  const count = at >= 0 ? Number(args.splice(at, 2)[1]) : /^\d+$/.test(args.at(-1) ?? '') ? Number(args.pop()) : 20;
  console.log(topFrames(args, count));
}
