#!/usr/bin/env node
/**
 * The top self-time frames of a V8 .cpuprofile (from `--cpu-prof`):
 *   node bench/profile.mjs bench/profiles/scope-redis.cpuprofile [count]
 * Self time is summed per function (name + file + line), across every place it was sampled.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function topFrames(file, count = 20) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const { functionName, url, lineNumber } = nodes.get(id).callFrame;
    const where = url ? `${url.replace(/^file:\/\//, '').replace(/^.*\/node_modules\//, '~/').replace(process.cwd() + '/', '')}:${lineNumber + 1}` : '';
    const key = `${functionName || '(anonymous)'} ${where}`.trim();
    const dt = profile.timeDeltas[i] ?? 0;
    self.set(key, (self.get(key) ?? 0) + dt);
    total += dt;
  });
  return [...self].sort((a, b) => b[1] - a[1]).slice(0, count)
    .map(([key, us]) => `${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${key}`)
    .join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(topFrames(process.argv[2], Number(process.argv[3] ?? 20)));
}
