import { z } from 'zod';

// `par`'s rule, apart from the option's types so that the published declarations never reach zod's.

export const parOptionsSchema = z.strictObject({
  required: z.boolean().optional(),
  // RFC 9126 §2.2 wants a short life: long enough to reach /authorize, not a token of its own.
  lifetime: z.number().int().min(5, 'at least 5 s').max(600, 'at most 600 s (RFC 9126 §2.2: short-lived)').optional(),
});
