import { z } from 'zod';

/** Rules several options share. */
export const lifetime = z.number().int().positive();
export const fn = z.custom<(...args: never[]) => unknown>((v) => typeof v === 'function', 'expected a function');
export const storeWith = (methods: readonly string[]) => z.custom<object>(
  (v) => typeof v === 'object' && v !== null && methods.every((m) => typeof (v as Record<string, unknown>)[m] === 'function'),
  `expected an object with the methods ${methods.join(', ')}`,
);
