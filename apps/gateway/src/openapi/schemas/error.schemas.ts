import type { OpenAIErrorEnvelope } from '@voxgate/openai-wire';
import { z } from 'zod';
import type { Assert, Describes, NamedSchema } from './documented';

/** OpenAI's error envelope: the body of every 4xx/5xx the gateway writes (libs/openai-wire `errors.ts`). */
export const ErrorResponseSchema = z.object({
  error: z.object({
    message: z.string().describe('Human-readable; never echoes secrets.'),
    type: z.string().describe('`invalid_request_error`, `authentication_error`, `rate_limit_error`, `server_error`, …'),
    param: z.string().nullable().describe('The request field at fault, when there is one (`messages[0].content`).'),
    code: z.string().nullable().describe('Stable machine-readable code (`invalid_api_key`, `model_not_found`, …).'),
  }),
});
type _Checked = Assert<Describes<typeof ErrorResponseSchema, OpenAIErrorEnvelope>>;

export const ERROR_COMPONENTS: readonly NamedSchema[] = [
  {
    id: 'ErrorResponse',
    schema: ErrorResponseSchema,
    description: 'OpenAI-compatible error envelope; all four keys of `error` are always present.',
  },
];
