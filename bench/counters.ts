/**
 * Redis commands, Redis round trips and SQL queries made by the server under test, counted between
 * cpu-start and cpu-stop so that pool minting before a phase is left out. Only the connections
 * handed to countRedis / countKnex are counted: a pub/sub subscriber is not, since what it receives
 * is not work a request asked for.
 */
import type { Knex } from 'knex';
import type Redis from 'ioredis';

export interface Counts { redisCommands: number; redisRoundTrips: number; sqlQueries: number }

let counts: Counts = { redisCommands: 0, redisRoundTrips: 0, sqlQueries: 0 };

export function resetCounts(): void {
  counts = { redisCommands: 0, redisRoundTrips: 0, sqlQueries: 0 };
}

export function readCounts(): Counts {
  return { ...counts };
}

/**
 * ioredis sends a pipeline's (and so a MULTI/EXEC's) commands through sendCommand with one shared
 * stream object per exec, written to the socket at once: that stream marks one round trip. A
 * command resent after NOSCRIPT goes through here again and is counted again, as Redis saw it twice.
 */
export function countRedis(client: Redis): Redis {
  const batches = new WeakSet<object>();
  const send = client.sendCommand.bind(client) as (command: unknown, stream?: object, ...rest: unknown[]) => unknown;
  (client as unknown as { sendCommand: typeof send }).sendCommand = (command, stream, ...rest) => {
    counts.redisCommands += 1;
    if (!stream) counts.redisRoundTrips += 1;
    else if (!batches.has(stream)) { batches.add(stream); counts.redisRoundTrips += 1; }
    return send(command, stream, ...rest);
  };
  return client;
}

/** Every statement knex sends, transaction BEGIN and COMMIT included, as each is a round trip too. */
export function countKnex(knex: Knex): Knex {
  knex.on('query', () => { counts.sqlQueries += 1; });
  return knex;
}
