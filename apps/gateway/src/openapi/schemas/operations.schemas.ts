import { z } from 'zod';
import type { NamedSchema } from './documented';

const HealthSchema = z.object({ status: z.literal('ok') });

const ReadinessSchema = z.object({
  status: z.enum(['ready', 'unavailable']),
  checks: z.object({ config: z.literal('ok'), redis: z.enum(['ok', 'unreachable']) }),
});

export const OPERATIONS_RESPONSE_COMPONENTS: readonly NamedSchema[] = [
  { id: 'Health', schema: HealthSchema },
  { id: 'Readiness', schema: ReadinessSchema },
];
