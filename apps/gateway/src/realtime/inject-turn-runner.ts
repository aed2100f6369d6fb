import type { Readable } from 'node:stream';
import {
  type ChatCompletionChunk,
  ChatCompletionChunkSchema,
  decodeSse,
  Errors,
  GatewayError,
  SSE_DONE,
  UpstreamErrorEnvelopeSchema,
} from '@voxgate/openai-wire';
import type { TurnRequest, TurnRunner } from '@voxgate/realtime';
import type { FastifyInstance } from 'fastify';
import type { InternalCaller } from '../auth/internal-caller';

/**
 * `TurnRunner` by injecting a streamed `POST /v1/chat/completions` into this very gateway (Fastify
 * `inject`, in process, no socket), as batch lines do (`InjectLineExecutor`): each realtime turn goes
 * through the same guard, validation, quotas, metering, server tools and tracing as an HTTP request, as
 * the key the session authenticated with (`InternalCaller`).
 *
 * This is the seam where the shared completion pipeline plugs in once the chat sequence is extracted
 * from the controller (issue #15): a runner that calls that use case directly replaces this class, and
 * the realtime session does not change. Known cost of injecting: each turn is a separate request, so it
 * takes its own `concurrent_streams` lease besides the session's.
 *
 * Abort: the signal destroys the injected response, which the chat controller sees as a client
 * disconnect (`requestAbortController`), so the upstream call is aborted like any abandoned stream.
 */
export class InjectTurnRunner implements TurnRunner {
  constructor(
    private readonly fastify: FastifyInstance,
    private readonly internal: InternalCaller,
  ) {}

  async *run(request: TurnRequest): AsyncIterable<ChatCompletionChunk> {
    const response = await this.fastify.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      headers: { 'content-type': 'application/json', ...this.internal.headersFor(request.keyId) },
      payload: JSON.stringify(chatBody(request)),
      payloadAsStream: true,
    });
    const body = response.stream();
    const raw = response.raw.res;
    const abort = () => {
      // The chat controller's abort controller listens for the response's `close` before it finished.
      raw.destroy();
      body.destroy();
    };
    if (request.signal.aborted) abort();
    request.signal.addEventListener('abort', abort, { once: true });
    try {
      if (response.statusCode !== 200) throw errorOf(response.statusCode, await readAll(body));
      for await (const event of decodeSse(body)) {
        if (request.signal.aborted) return;
        if (event.data === SSE_DONE) return;
        const json: unknown = JSON.parse(event.data);
        if (typeof json === 'object' && json !== null && 'error' in json) throw errorOf(500, event.data);
        yield ChatCompletionChunkSchema.parse(json);
      }
    } finally {
      request.signal.removeEventListener('abort', abort);
      if (!body.destroyed) body.destroy();
    }
  }
}

/** The chat-completions request of one turn. */
function chatBody(request: TurnRequest): Record<string, unknown> {
  return {
    model: request.model,
    messages: request.messages,
    modalities: request.modalities,
    ...(request.modalities[1] === 'audio' ? { audio: { voice: request.voice, format: request.audioFormat } } : {}),
    ...(request.speed !== 1 ? { speed: request.speed } : {}),
    ...(request.maxTokens !== null ? { max_completion_tokens: request.maxTokens } : {}),
    ...(request.tools.length > 0
      ? {
          tools: request.tools.map(({ name, description, parameters }) => ({
            type: 'function',
            function: {
              name,
              ...(description !== undefined ? { description } : {}),
              ...(parameters ? { parameters } : {}),
            },
          })),
          tool_choice:
            typeof request.toolChoice === 'string'
              ? request.toolChoice
              : { type: 'function', function: { name: request.toolChoice.name } },
        }
      : {}),
    stream: true,
    stream_options: { include_usage: true },
  };
}

async function readAll(body: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The gateway's own error envelope → the `GatewayError` it stands for. */
function errorOf(status: number, text: string): GatewayError {
  try {
    const { error } = UpstreamErrorEnvelopeSchema.parse(JSON.parse(text));
    return new GatewayError(status, error.type, error.code, error.message, error.param);
  } catch {
    return Errors.internal();
  }
}
