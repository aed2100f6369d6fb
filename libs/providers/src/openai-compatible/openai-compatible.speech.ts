import {
  decodeSse,
  Errors,
  type OpenAIError,
  SSE_DONE,
  type SpeechUsage,
  SpeechStreamEventSchema,
  TranscriptBodySchema,
  type TranscriptStreamEvent,
  TranscriptStreamEventSchema,
  UpstreamErrorEnvelopeSchema,
} from '@voxgate/openai-wire';
import type { ProviderCallContext } from '../provider-adapter';
import type {
  SpeechAudio,
  SpeechBackend,
  SpeechCall,
  SpeechCapabilities,
  TranscriptionCall,
  TranscriptionOutcome,
} from '../speech-backend';
import { UpstreamStreamError } from '../upstream-stream-error';
import type { OpenAICompatibleAdapter } from './openai-compatible.adapter';
import { audioRouteUrl, redactError } from './openai-compatible.api';

/** What OpenAI's own routes take and give. */
export const DEFAULT_SPEECH_CAPABILITIES: SpeechCapabilities = {
  speechFormats: ['mp3', 'opus', 'aac', 'flac', 'wav', 'pcm'],
  speechSpeed: true,
  transcriptionFormats: ['wav', 'mp3', 'flac', 'opus', 'ogg', 'webm'],
};

/** File name and type of an uploaded audio, by the gateway's format name (OpenAI sniffs by extension). */
const UPLOAD_TYPES: Readonly<Record<string, { extension: string; mime: string }>> = {
  wav: { extension: 'wav', mime: 'audio/wav' },
  mp3: { extension: 'mp3', mime: 'audio/mpeg' },
  flac: { extension: 'flac', mime: 'audio/flac' },
  opus: { extension: 'ogg', mime: 'audio/ogg' },
  ogg: { extension: 'ogg', mime: 'audio/ogg' },
  webm: { extension: 'webm', mime: 'audio/webm' },
};

/**
 * The speech routes of an OpenAI-compatible provider, over the adapter's transport (same keys, retries,
 * timeouts, breaker and redaction as its chat completions):
 *
 * - `synthesize`: `POST {base}/audio/speech`, JSON; with `withUsage`, `stream_format: sse`, whose
 *   `speech.audio.delta` events are decoded back into the file's bytes and whose `speech.audio.done`
 *   carries the usage. Otherwise the binary body is passed on piece by piece.
 * - `transcribe`: `POST {base}/audio/transcriptions` or `/audio/translations`, multipart as openai-node
 *   sends it (arrays as repeated `name[]`); the answer is JSON, text, or `transcript.text.*` events.
 *
 * Azure layouts work when `chatCompletionsPath` ends in `/chat/completions`: the audio routes replace that
 * suffix (`/deployments/{model}/audio/speech`).
 */
export class OpenAICompatibleSpeech implements SpeechBackend {
  constructor(
    private readonly transport: OpenAICompatibleAdapter,
    readonly capabilities: SpeechCapabilities,
  ) {}

  async synthesize(request: SpeechCall, context: ProviderCallContext): Promise<SpeechAudio> {
    const body = JSON.stringify({
      model: request.model,
      input: request.input,
      voice: request.voice,
      ...(request.instructions !== undefined ? { instructions: request.instructions } : {}),
      response_format: request.format,
      ...(request.speed !== undefined ? { speed: request.speed } : {}),
      ...(request.withUsage ? { stream_format: 'sse' } : {}),
    });
    const { response, deadline } = await this.transport.post(
      {
        url: (target) => audioRouteUrl(target, 'audio/speech', request.model),
        body,
        accept: request.withUsage ? 'text/event-stream' : 'application/octet-stream',
      },
      context,
    );
    const upstreamRequestId = response.headers.get('x-request-id');
    const events = (response.headers.get('content-type') ?? '').includes('text/event-stream');
    let usage: SpeechUsage | null = null;
    const id = this.transport.id;
    const redact = (text: string) => this.transport.redactText(text);
    const parse = events
      ? async function* (bytes: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
          for await (const event of decodeSse(bytes)) {
            if (event.data === SSE_DONE) return;
            const json = safeJson(event.data);
            const error = inBandError(json, redact);
            if (error || event.event === 'error') throw new UpstreamStreamError(error ?? genericStreamError());
            const parsed = SpeechStreamEventSchema.safeParse(json);
            if (!parsed.success) continue; // an event type added later: nothing the audio needs
            if (parsed.data.type === 'speech.audio.done') {
              usage = parsed.data.usage ?? null;
              return;
            }
            yield Buffer.from(parsed.data.audio, 'base64');
          }
          throw failure(id, 'it closed the speech stream before speech.audio.done.');
        }
      : (bytes: AsyncIterable<Uint8Array>) => bytes;
    return {
      chunks: this.transport.readBody(response.body, deadline, context.signal, parse),
      usage: () => usage,
      upstreamRequestId,
    };
  }

  async transcribe(request: TranscriptionCall, context: ProviderCallContext): Promise<TranscriptionOutcome> {
    const upload = UPLOAD_TYPES[request.audio.format] ?? UPLOAD_TYPES.wav!;
    const form = new FormData();
    form.append('file', new Blob([request.audio.bytes], { type: upload.mime }), `audio.${upload.extension}`);
    form.append('model', request.model);
    form.append('response_format', request.responseFormat);
    if (request.language !== undefined) form.append('language', request.language);
    if (request.prompt !== undefined) form.append('prompt', request.prompt);
    if (request.temperature !== undefined) form.append('temperature', String(request.temperature));
    for (const granularity of request.timestampGranularities ?? [])
      form.append('timestamp_granularities[]', granularity);
    for (const item of request.include ?? []) form.append('include[]', item);
    if (request.chunkingStrategy !== undefined) form.append('chunking_strategy', request.chunkingStrategy);
    if (request.stream) form.append('stream', 'true');
    const route = request.task === 'translate' ? 'audio/translations' : 'audio/transcriptions';
    // Encoded once here (boundary included), so every retry sends the same bytes.
    const encoded = new Response(form);
    const multipart = new Uint8Array(await encoded.arrayBuffer());
    const { response, deadline } = await this.transport.post(
      {
        url: (target) => audioRouteUrl(target, route, request.model),
        body: multipart,
        contentType: encoded.headers.get('content-type') ?? 'multipart/form-data',
        accept: request.stream ? 'text/event-stream' : 'application/json',
      },
      context,
    );
    const upstreamRequestId = response.headers.get('x-request-id');
    const contentType = response.headers.get('content-type') ?? '';
    if (contentType.includes('text/event-stream')) {
      const id = this.transport.id;
      const redact = (text: string) => this.transport.redactText(text);
      const parse = async function* (bytes: AsyncIterable<Uint8Array>): AsyncGenerator<TranscriptStreamEvent> {
        for await (const event of decodeSse(bytes)) {
          if (event.data === SSE_DONE) return;
          const json = safeJson(event.data);
          const error = inBandError(json, redact);
          if (error || event.event === 'error') throw new UpstreamStreamError(error ?? genericStreamError());
          const parsed = TranscriptStreamEventSchema.safeParse(json);
          if (!parsed.success) continue;
          yield parsed.data;
          if (parsed.data.type === 'transcript.text.done') return;
        }
        throw failure(id, 'it closed the transcript stream before transcript.text.done.');
      };
      return {
        kind: 'events',
        events: this.transport.readBody(response.body, deadline, context.signal, parse),
        upstreamRequestId,
      };
    }
    const text = await this.transport.readAll(response, deadline);
    if (!contentType.includes('application/json')) return { kind: 'text', text, upstreamRequestId };
    const parsed = TranscriptBodySchema.safeParse(safeJson(text));
    if (!parsed.success) throw Errors.upstreamError(this.transport.id, 'it returned a body that is not a transcript.');
    return { kind: 'json', body: parsed.data, upstreamRequestId };
  }
}

function failure(provider: string, detail: string): UpstreamStreamError {
  return new UpstreamStreamError({
    message: `The provider '${provider}' failed: ${detail}`,
    type: 'upstream_error',
    param: null,
    code: 'upstream_error',
  });
}

function genericStreamError(): OpenAIError {
  return { message: 'The provider reported an error during streaming.', type: 'server_error', param: null, code: null };
}

/** `{"error": {...}}` in a stream, redacted; null for an ordinary event. */
function inBandError(json: unknown, redact: (text: string) => string): OpenAIError | null {
  if (json === null || typeof json !== 'object' || !('error' in json)) return null;
  const error = json.error;
  if (typeof error === 'string')
    return redactError({ message: error, type: 'server_error', param: null, code: null }, redact);
  const envelope = UpstreamErrorEnvelopeSchema.safeParse(json);
  return envelope.success ? redactError(envelope.data.error, redact) : genericStreamError();
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
