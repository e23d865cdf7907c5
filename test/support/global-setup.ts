import net from 'node:net';

/**
 * Finds out once which services this machine runs. Tests that need a missing service are
 * skipped with a line saying so; with CI set, a missing service fails the run instead.
 */
const SERVICES = {
  REDIS: { host: '127.0.0.1', port: 6379 },
  POSTGRES: { host: '127.0.0.1', port: 5432 },
  MYSQL: { host: '127.0.0.1', port: 3306 },
  REDIS_CLUSTER: { host: '127.0.0.1', port: Number(process.env.REDIS_CLUSTER_PORT ?? 7000) },
} as const;

function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => { socket.destroy(); resolve(ok); };
    socket.setTimeout(500, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export default async function globalSetup(): Promise<void> {
  const missing: string[] = [];
  for (const [name, { host, port }] of Object.entries(SERVICES)) {
    const up = await reachable(host, port);
    process.env[`TEST_HAS_${name}`] = up ? '1' : '';
    if (!up) missing.push(`${name.toLowerCase().replace('_', ' ')} (${host}:${port})`);
  }
  if (missing.length === 0) return;
  if (process.env.CI) {
    throw new Error(`CI is set and these services are not reachable: ${missing.join(', ')}. Start them (see .ci/run).`);
  }
  process.stdout.write(`\nSkipping the tests that need: ${missing.join(', ')} (not reachable; set CI=1 to make this an error).\n`);
}
