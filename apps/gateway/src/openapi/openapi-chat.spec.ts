import { ChatCompletionRequestSchema } from '@voxgate/openai-wire';
import { buildOpenApiDocument } from './openapi-document';
import type { MediaTypeObject, OperationObject, ParameterObject, ResponseObject } from './openapi.types';
import { DocumentValidator } from './__fixtures__/document-validator';

const document = buildOpenApiDocument({ version: 'test' });
const validator = new DocumentValidator(document);
const chat = document.paths['/v1/chat/completions']?.post as OperationObject;
const ok = chat.responses['200'] as ResponseObject;

const audioRequest = (overrides: Record<string, unknown> = {}) => ({
  model: 'gpt-4o-audio-preview',
  modalities: ['text', 'audio'],
  audio: { voice: 'alloy', format: 'g711_ulaw', speed: 1.5 },
  speed: 1.25,
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'T2dnUw==', format: 'ogg' } }] },
  ],
  ...overrides,
});

describe("the document's chat completions", () => {
  it("accepts Voxgate's extensions in the request: more input formats, G.711 output, speed", () => {
    expect(validator.errors('CreateChatCompletionRequest', audioRequest())).toEqual([]);
    for (const format of ['wav', 'mp3', 'flac', 'opus', 'ogg', 'webm', 'pcm16', 'g711_ulaw', 'g711_alaw', 'auto']) {
      expect(
        validator.errors('ChatCompletionRequestMessageContentPartAudio', {
          type: 'input_audio',
          input_audio: { data: 'AA==', format },
        }),
      ).toEqual([]);
    }
  });

  it('is as strict as the gateway: unknown keys, bad formats and out-of-range speed are refused', () => {
    expect(validator.errors('CreateChatCompletionRequest', audioRequest({ temperatur: 1 }))).not.toEqual([]);
    expect(validator.errors('CreateChatCompletionRequest', audioRequest({ speed: 5 }))).not.toEqual([]);
    expect(
      validator.errors('CreateChatCompletionRequest', audioRequest({ audio: { voice: 'alloy', format: 'ogg' } })),
    ).not.toEqual([]);
    expect(validator.errors('CreateChatCompletionRequest', { model: 'm', messages: [] })).not.toEqual([]);
  });

  it('gives an example request that the gateway and the documented schema both accept', () => {
    const example = chat.requestBody?.content['application/json']?.example;
    expect(ChatCompletionRequestSchema.safeParse(example).success).toBe(true);
    expect(validator.errors('CreateChatCompletionRequest', example)).toEqual([]);
  });

  it('documents the request headers: X-Session-Id, Idempotency-Key, X-Voxgate-Confirmation', () => {
    const names = (chat.parameters as ParameterObject[]).filter((p) => p.in === 'header').map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(['X-Session-Id', 'Idempotency-Key', 'X-Voxgate-Confirmation']));
  });

  it('documents the JSON body and the multipart variant carrying raw audio parts', () => {
    const content = chat.requestBody?.content ?? {};
    expect(Object.keys(content).sort()).toEqual(['application/json', 'multipart/form-data']);
    const form = content['multipart/form-data'] as MediaTypeObject;
    expect(form.schema).toMatchObject({
      required: ['request'],
      properties: { request: { contentSchema: { $ref: '#/components/schemas/CreateChatCompletionRequest' } } },
      additionalProperties: { format: 'binary' },
    });
  });

  it('answers JSON or server-sent events, with the chunk schema for each event', () => {
    expect(Object.keys(ok.content ?? {}).sort()).toEqual(['application/json', 'text/event-stream']);
    expect(ok.content?.['text/event-stream']?.['x-voxgate-event-schema']).toEqual({
      $ref: '#/components/schemas/CreateChatCompletionStreamResponse',
    });
  });

  it('documents the x-voxgate-* and rate-limit response headers', () => {
    expect(Object.keys(ok.headers ?? {})).toEqual(
      expect.arrayContaining([
        'x-voxgate-model',
        'x-voxgate-provider',
        'x-voxgate-audio-speed',
        'x-voxgate-tool-runs',
        'x-voxgate-confirmation-required',
        'x-session-id',
        'x-ratelimit-remaining-requests',
      ]),
    );
  });

  it('documents voxgate.tool_runs on a completion and on a chunk', () => {
    const completion = {
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 1,
      model: 'gpt-4o-audio-preview-2025-06-03',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Booked.', refusal: null },
          finish_reason: 'stop',
          logprobs: null,
        },
      ],
      voxgate: { tool_runs: [{ name: 'booking', status: 'ok', replayed: false }] },
    };
    expect(validator.errors('CreateChatCompletionResponse', completion)).toEqual([]);
    expect(
      validator.errors('CreateChatCompletionResponse', { ...completion, voxgate: { tool_runs: [{}] } }),
    ).not.toEqual([]);
    const chunk = {
      id: 'chatcmpl-1',
      object: 'chat.completion.chunk',
      created: 1,
      model: 'm',
      choices: [{ index: 0, delta: { audio: { data: 'AAAA' } }, finish_reason: null }],
      voxgate: completion.voxgate,
    };
    expect(validator.errors('CreateChatCompletionStreamResponse', chunk)).toEqual([]);
  });
});
