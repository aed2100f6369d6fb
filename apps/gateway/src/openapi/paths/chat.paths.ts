import { MODEL_ENDPOINTS } from '@voxgate/config';
import { SESSION_ID } from '@voxgate/sessions';
import { z } from 'zod';
import { schemaRef } from '../component-schemas';
import type { HeaderObject, ReferenceObject } from '../openapi.types';
import { header, json, responseHeader, type RouteGroup } from '../route-doc';

const rateLimit = (kind: 'requests' | 'tokens'): Record<string, HeaderObject> => ({
  [`x-ratelimit-limit-${kind}`]: responseHeader(`The tightest ${kind} limit of the tenant and the key.`),
  [`x-ratelimit-remaining-${kind}`]: responseHeader(`What is left of that ${kind} limit, this request counted.`),
  [`x-ratelimit-reset-${kind}`]: responseHeader('Time until the window resets, Go-duration style (`6m0s`).'),
});

/** Response headers of a completion, JSON or streamed (a limit's headers only when the limit exists). */
const completionHeaders: Record<string, HeaderObject | ReferenceObject> = {
  ...rateLimit('requests'),
  ...rateLimit('tokens'),
  'x-session-id': responseHeader('Echo of the request’s `X-Session-Id`.'),
  'x-voxgate-model': responseHeader('The dated snapshot that answered.'),
  'x-voxgate-provider': responseHeader('The configured provider that answered.'),
  'x-voxgate-upstream-request-id': responseHeader("The provider's own request id, when it sent one."),
  'x-voxgate-audio-speed': responseHeader('The playback speed applied to an audio answer.'),
  'x-voxgate-tool-runs': responseHeader(
    'JSON `[{"name","status","replayed"}]` of the server tools that ran (JSON answers only; streams carry `voxgate.tool_runs`).',
  ),
  'x-voxgate-confirmation-required': responseHeader(
    'Comma-separated tokens of tool calls that wait for the user’s confirmation; send one back in `X-Voxgate-Confirmation`.',
  ),
};

/** Audio in (a browser's Ogg/Opus recording), audio out for a phone line, a little faster. */
const AUDIO_REQUEST_EXAMPLE = {
  model: 'gpt-4o-audio-preview',
  modalities: ['text', 'audio'],
  audio: { voice: 'alloy', format: 'g711_ulaw' },
  speed: 1.2,
  messages: [
    { role: 'system', content: 'You are a concise phone assistant.' },
    { role: 'user', content: [{ type: 'input_audio', input_audio: { data: '<base64 Ogg/Opus>', format: 'ogg' } }] },
  ],
};

const SSE_DESCRIPTION = [
  'With `stream: true`: server-sent events, one `data: <JSON>` per chunk (`CreateChatCompletionStreamResponse`,',
  'see `x-voxgate-event-schema`), then `data: [DONE]`. Audio streams transcript deltas, then base64 `delta.audio.data`',
  'deltas (their concatenation decodes to one file of the requested format), then an `expires_at` delta, then the',
  'chunk with `finish_reason`, then the usage chunk when `stream_options.include_usage` is set. `: keep-alive`',
  'comments fill silences. An error after the first byte arrives in-band as `data: {"error": {…}}` (the',
  '`ErrorResponse` envelope), followed by `data: [DONE]`.',
].join(' ');

export const CHAT_PATHS: RouteGroup = {
  tag: {
    name: 'Chat',
    description:
      'OpenAI-compatible chat completions with audio in and out: point an official SDK at the gateway, nothing else changes.',
  },
  routes: [
    {
      method: 'post',
      path: '/v1/chat/completions',
      operationId: 'createChatCompletion',
      summary: 'Create a chat completion (text or audio, JSON or streamed)',
      description: [
        "Exactly OpenAI's `POST /v1/chat/completions`, with Voxgate's additive extensions: more",
        '`input_audio.format`s (converted when the provider needs it), `g711_ulaw`/`g711_alaw` output, `speed`',
        '(0.25–4, pitch preserved), sessions (`X-Session-Id`: send only the new turn), server-side tools that ops',
        'enabled for the tenant (reported in `voxgate.tool_runs` and `x-voxgate-tool-runs`), and a multipart form',
        'that carries raw audio instead of base64.',
      ].join(' '),
      access: 'tenant',
      headers: [
        header(
          'X-Session-Id',
          'Names a conversation kept by the gateway: its history is prepended and this turn is stored.',
          SESSION_ID.source,
        ),
        header(
          'Idempotency-Key',
          'A retry with the same key replays recorded tool side effects instead of repeating them, and stores the turn once.',
          '^[A-Za-z0-9._:-]{1,128}$',
        ),
        header('X-Voxgate-Confirmation', 'A token from `x-voxgate-confirmation-required` the user agreed to.'),
        header('traceparent', 'W3C trace context; the gateway’s span continues the caller’s trace.'),
      ],
      body: {
        required: true,
        content: {
          'application/json': { schema: schemaRef('CreateChatCompletionRequest'), example: AUDIO_REQUEST_EXAMPLE },
          'multipart/form-data': {
            schema: {
              type: 'object',
              description:
                'The JSON body in the field `request`, where an `input_audio.data` may be `"@<part>"`; one file part per reference, holding the raw audio bytes.',
              properties: {
                request: {
                  type: 'string',
                  contentMediaType: 'application/json',
                  contentSchema: schemaRef('CreateChatCompletionRequest'),
                },
              },
              required: ['request'],
              additionalProperties: { type: 'string', format: 'binary', contentMediaType: 'application/octet-stream' },
            },
            encoding: { request: { contentType: 'application/json' } },
          },
        },
      },
      responses: {
        '200': {
          description: 'The completion; a stream of chunks when `stream` is true.',
          headers: completionHeaders,
          content: {
            'application/json': { schema: schemaRef('CreateChatCompletionResponse') },
            'text/event-stream': {
              schema: { type: 'string', description: SSE_DESCRIPTION },
              'x-voxgate-event-schema': schemaRef('CreateChatCompletionStreamResponse'),
            },
          },
        },
      },
    },
  ],
};

export const MODELS_PATHS: RouteGroup = {
  tag: { name: 'Models', description: 'The configured models: dated snapshots and their aliases.' },
  routes: [
    {
      method: 'get',
      path: '/v1/models',
      operationId: 'listModels',
      summary: 'List models',
      access: 'tenant',
      query: z.object({
        endpoint: z
          .enum(MODEL_ENDPOINTS)
          .optional()
          .describe('Voxgate extension: only the models that serve this route (e.g. `chat/completions`).'),
      }),
      responses: { '200': json('ListModelsResponse', 'Snapshots and aliases, as separate entries.') },
    },
    {
      method: 'get',
      path: '/v1/models/{model}',
      operationId: 'retrieveModel',
      summary: 'Retrieve a model',
      access: 'tenant',
      responses: { '200': json('Model', 'The model.') },
    },
  ],
};
