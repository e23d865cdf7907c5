import { z } from 'zod';

// `dpop`'s rule, apart from the option's types so that the published declarations never reach zod's.
export const dpopOptionsSchema = z.strictObject({
  required: z.union([z.literal(false), z.enum(['public', 'all']), z.array(z.string().min(1))]).optional(),
  nonces: z.strictObject({
    secret: z.string().min(32, 'a nonce secret has at least 32 characters'),
    lifetime: z.number().int().min(30).max(3600).optional(),
  }).optional(),
});
