import { SessionUpdateSchema } from '@voxgate/realtime';
import { CLIENT_SECRET_MAX_SECONDS, CLIENT_SECRET_MIN_SECONDS } from '@voxgate/tenancy';
import { z } from 'zod';

/**
 * Body of `POST /v1/realtime/client_secrets` (spec `RealtimeCreateClientSecretRequest`), the realtime
 * session form: `session.model` is required here (a secret is bound to one model) and the secret lives
 * at most `CLIENT_SECRET_MAX_SECONDS` (OpenAI allows up to 7200). Transcription sessions are refused by
 * the `type` literal, as the socket refuses them.
 */
export const ClientSecretCreateRequestSchema = z.strictObject({
  expires_after: z
    .strictObject({
      anchor: z.literal('created_at').optional(),
      seconds: z.int().min(CLIENT_SECRET_MIN_SECONDS).max(CLIENT_SECRET_MAX_SECONDS).optional(),
    })
    .optional(),
  session: SessionUpdateSchema.extend({ model: z.string().min(1).max(256) }),
});
export type ClientSecretCreateRequest = z.infer<typeof ClientSecretCreateRequestSchema>;
