import { jest } from '@jest/globals';
import type { JWTPayload } from 'jose' with { 'resolution-mode': 'import' };
import type { SigningKey, SigningKeys } from '../../src/keys/signing-keys';
import { loadJose } from '../../src/keys/jose';

export const SECRET = 'a site secret of more than 32 characters, for tests only';
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** A fake `Date.now`, moved by hand: `clock.set(t)`, `clock.advance(ms)`. */
export function fakeClock(start: number) {
  let now = start;
  jest.spyOn(Date, 'now').mockImplementation(() => now);
  return {
    now: () => now,
    set(at: number) { now = at; },
    advance(ms: number) { now += ms; },
  };
}

/** An ID-token-like JWT signed with `key` at the fake clock's time, valid for `lifetime`. */
export async function sign(key: SigningKey, lifetime: number, claims: JWTPayload = {}): Promise<string> {
  const { SignJWT } = await loadJose();
  const iat = Math.floor(Date.now() / 1000);
  return new SignJWT(claims).setProtectedHeader({ alg: key.alg, kid: key.kid })
    .setIssuedAt(iat).setExpirationTime(iat + Math.ceil(lifetime / 1000)).sign(key.privateKey);
}

/** Verifies `token` against a JWKS as a client would, at the fake clock's time. */
export async function verify(token: string, jwks: Awaited<ReturnType<SigningKeys['jwks']>>): Promise<JWTPayload> {
  const { createLocalJWKSet, jwtVerify } = await loadJose();
  const { payload } = await jwtVerify(token, createLocalJWKSet(jwks), { currentDate: new Date(Date.now()) });
  return payload;
}

/** The max-age of a Cache-Control header, in ms. */
export function maxAgeOf(cacheControl: string): number {
  const match = /max-age=(\d+)/.exec(cacheControl);
  if (!match) throw new Error(`no max-age in ${cacheControl}`);
  return Number(match[1]) * 1000;
}
