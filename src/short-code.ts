import { randomInt } from 'node:crypto';

// No vowels (no words), no look-alikes (0/O, 1/I/L): easy to read off one screen and type on another.
const ALPHABET = 'BCDFGHJKMNPQRSTVWXZ23456789';
const LENGTH = 8;

/** A code a person types (PIN, device user code): 8 characters, ~38 bits, shown as XXXX-XXXX. */
export function generateShortCode(): string {
  let code = '';
  for (let i = 0; i < LENGTH; i += 1) code += ALPHABET[randomInt(ALPHABET.length)];
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/** Case, spaces and dashes do not matter when the code is typed back; null when it cannot be one. */
export function normalizeShortCode(typed: string): string | null {
  const code = typed.toUpperCase().replace(/[\s-]/g, '');
  return code.length === LENGTH && [...code].every((c) => ALPHABET.includes(c)) ? code : null;
}
