import { z } from 'zod';

// `registration`'s rule, apart from the option's types so that the published declarations never reach zod's.

/** 32 characters of a random token carry far more than the 128 bits a guess must face. */
const MIN_TOKEN_LENGTH = 32;

export const registrationOptionsSchema = z.strictObject({
  policy: z.enum(['open', 'initial-access-token', 'off']),
  initialAccessTokens: z.array(z.string().min(MIN_TOKEN_LENGTH, `an initial access token has at least ${MIN_TOKEN_LENGTH} characters`)).optional(),
  autoApprove: z.strictObject({ scopes: z.array(z.string()).min(1) }).optional(),
  perIpPerHour: z.number().int().min(1).optional(),
  maxPending: z.number().int().min(1).optional(),
  pendingLifetime: z.number().int().min(60).optional(),
}).refine((o) => o.policy !== 'initial-access-token' || (o.initialAccessTokens?.length ?? 0) > 0,
  { message: 'policy `initial-access-token` needs at least one token in `initialAccessTokens`', path: ['initialAccessTokens'] });
