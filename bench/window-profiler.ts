/**
 * A CPU profile of the measured windows only: `--cpu-prof` would cover the whole process life,
 * where minting the pools before each phase (and the start-up) outweighs the requests. Each window
 * is written as its own `window-<n>.cpuprofile`; bench/profile.mjs sums them.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Session } from 'node:inspector/promises';

export interface WindowProfiler { start(): Promise<void>; stop(): Promise<void> }

/** null unless the runner asked for a profile (BENCH_PROFILE_DIR, one directory per scenario). */
export function windowProfiler(dir = process.env.BENCH_PROFILE_DIR): WindowProfiler | null {
  if (!dir) return null;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const session = new Session();
  session.connect();
  let windows = 0;
  let running = false;
  return {
    async start() {
      await session.post('Profiler.enable');
      await session.post('Profiler.start');
      running = true;
    },
    async stop() {
      if (!running) return;
      running = false;
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(path.join(dir, `window-${++windows}.cpuprofile`), JSON.stringify(profile));
    },
  };
}
