import { z } from 'zod';
import { KEY_STORE_METHODS } from '../storage/key-store';
import { fn, lifetime, storeWith } from './rules';

/**
 * `openid`'s rule. Kept apart from the OpenIdOptions type (openid.ts), which is written out by hand:
 * the published .d.ts files must not reach zod's own types, which hosts compiled without
 * esModuleInterop cannot read (TS1259).
 */
export const openIdOptionsSchema = z.strictObject({
  keys: z.union([
    z.strictObject({
      store: storeWith(KEY_STORE_METHODS),
      secret: z.string().min(32, 'at least 32 characters'),
      // OpenID Connect clients expect RS256 unless they registered otherwise (Discovery §3).
      algorithms: z.array(z.enum(['RS256', 'ES256'])).refine((algs) => algs.includes('RS256'), 'must include RS256').optional(),
      rotateEvery: z.number().optional(),
      publishAhead: z.number().optional(),
      keepAfterRetiring: z.number().optional(),
      cacheFor: z.number().optional(),
      jwksMaxAge: z.number().optional(),
    }),
    z.strictObject({ jwks: z.array(z.record(z.string(), z.unknown())).min(1) }),
  ]),
  claims: fn,
  subjects: z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('public') }),
    z.strictObject({ type: z.literal('pairwise'), salt: z.string().min(32, 'at least 32 characters') }),
  ]).optional(),
  idTokenLifetime: lifetime.max(86_400, 'at most 86400 s').optional(),
  logout: fn.optional(),
});
