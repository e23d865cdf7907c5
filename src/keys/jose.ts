import type * as Jose from 'jose' with { 'resolution-mode': 'import' };

/**
 * jose ships only as ES modules, and this package compiles to CommonJS: a dynamic import loads it
 * on every Node the package supports (a static one would need require(esm), Node ≥ 20.19). Loaded
 * once, on first use, so a site without OpenID Connect never loads it.
 */
let loaded: Promise<typeof Jose> | undefined;

export const loadJose = (): Promise<typeof Jose> => (loaded ??= import('jose'));

export type { CryptoKey, JWK } from 'jose' with { 'resolution-mode': 'import' };
