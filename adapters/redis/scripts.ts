import type { Cluster, Redis } from 'ioredis';
import { DEVICE_SCRIPTS } from './scripts/devices';
import { DPOP_SCRIPTS } from './scripts/dpop';
import { GRANT_SCRIPTS } from './scripts/grants';
import { HELPERS } from './scripts/helpers';
import { SAVE_TOKENS, TOKEN_SCRIPTS } from './scripts/tokens';

/**
 * The Lua scripts behind every write that must be atomic. Each one touches only keys of one
 * grant (one hash tag, so one Cluster slot) or one single key. Redis runs a script without
 * interleaving any other command, which is what makes "exactly one caller wins" hold across
 * processes and hosts.
 *
 * Time: scripts never read Redis's clock. The caller passes `now` (its `Date.now()`) so that
 * expiry is judged by the same clock as every read, including a faked one in tests; Redis TTLs
 * are only the cleanup.
 *
 * Values: every record is a JSON array whose first element is `expiresAt` in epoch ms, so a
 * script can read the expiry with one pattern match instead of decoding JSON. A used code or
 * refresh token is its live value with a `u` in front: the tombstone keeps the record (for
 * reuse detection) and its TTL.
 *
 * Needs Redis ≥ 6.2 (GETDEL, KEEPTTL, ZADD GT).
 */
const SOURCES = { ...GRANT_SCRIPTS, ...TOKEN_SCRIPTS, ...DEVICE_SCRIPTS, ...DPOP_SCRIPTS };

export type ScriptName = keyof typeof SOURCES;

/** Runs a script by name: KEYS first, then ARGV. */
export type RunScript = (name: ScriptName, keys: readonly string[], args: readonly (string | number)[]) => Promise<unknown>;

/**
 * Registers the scripts on the app's client (ioredis sends EVALSHA and falls back to EVAL on
 * NOSCRIPT, per node in a Cluster, which routes by the first key). Registering twice is harmless.
 */
export function defineScripts(client: Redis | Cluster): RunScript {
  for (const [name, { lua, numberOfKeys }] of Object.entries(SOURCES)) {
    client.defineCommand(name, { lua: HELPERS + SAVE_TOKENS + lua, numberOfKeys });
  }
  const commands = client as unknown as Record<ScriptName, (...args: (string | number)[]) => Promise<unknown>>;
  return (name, keys, args) => commands[name](...keys, ...args);
}
