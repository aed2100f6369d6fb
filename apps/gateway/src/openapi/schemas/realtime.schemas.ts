import { z } from 'zod';
import { ClientSecretCreateRequestSchema } from '../../realtime/client-secret.request';
import type { NamedSchema } from './documented';

const ClientSecretSchema = z.object({
  value: z.string().describe('`ek_…`: the secret, shown in this response only.'),
  expires_at: z.number().describe('Unix seconds after which the secret no longer opens sessions or calls.'),
  session: z
    .record(z.string(), z.unknown())
    .describe(
      'The effective realtime session (spec `RealtimeSessionCreateResponseGA`) a socket opened with it starts with.',
    ),
});

export const REALTIME_REQUEST_COMPONENTS: readonly NamedSchema[] = [
  {
    id: 'RealtimeClientSecretRequest',
    schema: ClientSecretCreateRequestSchema,
    description: 'OpenAI’s `RealtimeCreateClientSecretRequest`, realtime sessions only; `session.model` is required.',
  },
];

export const REALTIME_RESPONSE_COMPONENTS: readonly NamedSchema[] = [
  { id: 'RealtimeClientSecret', schema: ClientSecretSchema },
];
