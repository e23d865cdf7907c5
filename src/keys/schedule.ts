import type { SigningAlgorithm } from '../storage/key-store';
import { assertSecret } from './key-encryption';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const DAY = 24 * 60 * MINUTE;

const SIGNING_ALGORITHMS: readonly SigningAlgorithm[] = ['RS256', 'ES256'];

export interface SigningKeyOptions {
  /** Which algorithms to keep a key for. @default ['RS256', 'ES256'] */
  algorithms?: SigningAlgorithm[];
  /** How long each key signs; generation g signs from g × rotateEvery (epoch ms). @default 30 days */
  rotateEvery?: number;
  /** How long before it signs the next key is made and published in the JWKS. @default 2 days */
  publishAhead?: number;
  /**
   * How long a retired key stays in the JWKS: at least the longest ID-token lifetime plus the
   * JWKS max-age, so every token it signed can be verified until it expires. @default 2 days
   */
  keepAfterRetiring?: number;
  /** How long an instance reuses the keys it read from the store. @default 60 seconds */
  cacheFor?: number;
  /**
   * The JWKS `Cache-Control` max-age; at most publishAhead − cacheFor, so that a client caching
   * the JWKS that long holds each key before it signs. @default 1 day, or publishAhead − cacheFor if shorter
   */
  jwksMaxAge?: number;
}

export type Schedule = Required<SigningKeyOptions>;

function duration(name: string, value: number | undefined, fallback: number, minimum: number): number {
  const ms = value ?? fallback;
  if (!Number.isSafeInteger(ms) || ms < minimum) {
    throw new Error(`Signing keys: ${name} must be a whole number of milliseconds of at least ${minimum}; got ${String(value)}`);
  }
  return ms;
}

/** The options with their defaults, refused (with the rule broken) when they cannot keep the JWKS ahead of the signer. */
export function resolveSchedule(options: SigningKeyOptions & { secret: string }): Schedule {
  assertSecret(options.secret);
  const algorithms = options.algorithms ?? [...SIGNING_ALGORITHMS];
  if (algorithms.length === 0 || algorithms.some((alg) => !SIGNING_ALGORITHMS.includes(alg))) {
    throw new Error(`Signing keys: algorithms must be one or more of ${SIGNING_ALGORITHMS.join(', ')}; got ${JSON.stringify(algorithms)}`);
  }
  const rotateEvery = duration('rotateEvery', options.rotateEvery, 30 * DAY, MINUTE);
  const publishAhead = duration('publishAhead', options.publishAhead, 2 * DAY, SECOND);
  const keepAfterRetiring = duration('keepAfterRetiring', options.keepAfterRetiring, 2 * DAY, 0);
  const cacheFor = duration('cacheFor', options.cacheFor, MINUTE, 0);
  if (publishAhead >= rotateEvery) {
    throw new Error(`Signing keys: publishAhead (${publishAhead} ms) must be shorter than rotateEvery (${rotateEvery} ms)`);
  }
  if (cacheFor >= publishAhead) {
    throw new Error(`Signing keys: cacheFor (${cacheFor} ms) must be shorter than publishAhead (${publishAhead} ms)`);
  }
  const jwksMaxAge = duration('jwksMaxAge', options.jwksMaxAge, Math.min(DAY, publishAhead - cacheFor), 0);
  if (jwksMaxAge > publishAhead - cacheFor) {
    throw new Error(`Signing keys: jwksMaxAge (${jwksMaxAge} ms) must be at most publishAhead − cacheFor (${publishAhead - cacheFor} ms), `
      + 'or a client could cache a JWKS that lacks the next key when it starts signing');
  }
  return { algorithms: [...new Set(algorithms)], rotateEvery, publishAhead, keepAfterRetiring, cacheFor, jwksMaxAge };
}

/** The generation whose key signs at `now`. */
export const generationAt = (schedule: Schedule, now: number): number => Math.floor(now / schedule.rotateEvery);

/** The generations that must have a key at `now`: the current one, and the next once it is due to be published. */
export function generationsDue(schedule: Schedule, now: number): number[] {
  const current = generationAt(schedule, now);
  const nextStarts = (current + 1) * schedule.rotateEvery;
  return now >= nextStarts - schedule.publishAhead ? [current, current + 1] : [current];
}

/** The next moment a new key becomes due: a list of keys read before it must not be reused after it. */
export function nextPublication(schedule: Schedule, now: number): number {
  const publishAt = (generationAt(schedule, now) + 1) * schedule.rotateEvery - schedule.publishAhead;
  return now < publishAt ? publishAt : publishAt + schedule.rotateEvery;
}
