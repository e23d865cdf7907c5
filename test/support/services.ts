import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

export const has = {
  redis: Boolean(process.env.TEST_HAS_REDIS),
  postgres: Boolean(process.env.TEST_HAS_POSTGRES),
  mysql: Boolean(process.env.TEST_HAS_MYSQL),
  redisCluster: Boolean(process.env.TEST_HAS_REDIS_CLUSTER),
};

/** `describe` when the service is reachable, `describe.skip` otherwise (global-setup said why). */
export const describeIf = (available: boolean) => (available ? describe : describe.skip);

/** A key prefix / schema suffix unique to one test file run, so files never see each other's data. */
export function uniquePrefix(label: string): string {
  return `t_${label}_${randomBytes(4).toString('hex')}`;
}

export const REDIS_URL = 'redis://127.0.0.1:6379/0';
export const POSTGRES_CONNECTION = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' };
export const MYSQL_CONNECTION = { host: '127.0.0.1', port: 3306, user: 'root', password: '', database: 'test' };
export const REDIS_CLUSTER_NODES = [7000, 7001, 7002].map((port) => ({ host: '127.0.0.1', port }));

/**
 * Whether `command --version` runs, for tests that start a server of their own (a redis-server
 * they kill and stop). Like global-setup.ts for services: when it is missing, with CI set this
 * throws (the file fails: those tests are required there); otherwise it prints a line saying
 * which tests are skipped and why, and returns false.
 */
export function hasBinary(command: string, neededBy: string): boolean {
  if (spawnSync(command, ['--version'], { stdio: 'ignore' }).status === 0) return true;
  if (process.env.CI) {
    throw new Error(`CI is set and \`${command}\` is not installed, so ${neededBy} cannot run. Install it (see .ci/run).`);
  }
  process.stdout.write(`\nSkipping ${neededBy}: \`${command}\` is not installed (set CI=1 to make this an error).\n`);
  return false;
}
