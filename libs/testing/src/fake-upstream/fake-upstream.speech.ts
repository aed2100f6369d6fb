import { createOutputPipeline, type OutputAudioFormat } from '@voxgate/audio';
import { speechPcm16 } from '../audio/audio-fixtures';
import { openAiError } from './fake-upstream.errors';
import { echoError } from './fake-upstream.replier';
import { type Exchange, sleep } from './fake-upstream.exchange';
import type { ScriptedReply } from './fake-upstream.script';

/** Bytes per `speech.audio.delta` event and per binary write. */
export const SPEECH_CHUNK_BYTES = 4800;

/** `Content-Type` OpenAI answers each speech format with. */
const SPEECH_CONTENT_TYPES: Readonly<Record<string, string>> = {
  mp3: 'audio/mpeg',
  opus: 'audio/opus',
  aac: 'audio/aac',
  flac: 'audio/flac',
  wav: 'audio/wav',
  pcm: 'audio/pcm',
};

/**
 * The spoken audio of every synthesis: the vendored clip "has never been surpassed." (24 kHz pcm16,
 * 1.78 s), whatever the input, so tests know its duration; `speed` time-stretches it as OpenAI would.
 */
export const FAKE_SPEECH_SECONDS = speechPcm16().length / 48_000;

/**
 * `POST …/audio/speech`, once the body passed `CreateSpeechRequest` (undeclared keys refused): answers like
 * OpenAI: the audio in the asked `response_format` (encoded by the gateway's own audio
 * library, at the asked `speed`), binary and chunked, or with `stream_format: sse` as `speech.audio.delta`
 * events and a `speech.audio.done` with usage. `tts-1` models refuse `sse` with OpenAI's 400.
 */
export async function answerSpeech(
  exchange: Exchange,
  request: unknown,
  reply: ScriptedReply | undefined,
  chunkDelayMs: number,
): Promise<void> {
  const body = request as {
    model: string;
    input: string;
    response_format?: string;
    speed?: number;
    stream_format?: string;
  };
  if (/^tts-1/.test(body.model) && body.stream_format === 'sse') {
    exchange.record.answeredBy = 'speech';
    const message = "stream_format 'sse' is not supported for tts-1 models.";
    return exchange.sendJson(400, openAiError(message, 'invalid_request_error', 'stream_format', 'unsupported_value'));
  }
  if ((await scripted(exchange, reply)) === 'done') return;
  const format = body.response_format ?? 'mp3';
  const audio = await encodeSpeech(format === 'pcm' ? 'pcm16' : (format as OutputAudioFormat), body.speed ?? 1);
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < audio.length; offset += SPEECH_CHUNK_BYTES) {
    chunks.push(audio.subarray(offset, offset + SPEECH_CHUNK_BYTES));
  }
  if (body.stream_format === 'sse') {
    const outputTokens = Math.ceil(FAKE_SPEECH_SECONDS * 20);
    const inputTokens = Math.ceil(body.input.length / 4);
    const events: unknown[] = chunks.map((chunk) => ({ type: 'speech.audio.delta', audio: chunk.toString('base64') }));
    if (reply?.kind === 'reset') {
      return exchange.sendEventStream(events.slice(0, reply.afterChunks), { kind: 'reset' }, chunkDelayMs);
    }
    const ending =
      reply?.kind === 'streamError' ? { kind: 'error' as const, error: reply.error } : { kind: 'none' as const };
    const sent = reply?.kind === 'streamError' ? events.slice(0, reply.afterChunks) : events;
    if (ending.kind === 'none') {
      sent.push({
        type: 'speech.audio.done',
        usage: { input_tokens: inputTokens, output_tokens: outputTokens, total_tokens: inputTokens + outputTokens },
      });
    }
    return exchange.sendEventStream(sent, ending, chunkDelayMs);
  }
  const cut = reply?.kind === 'reset' ? (reply.afterChunks ?? 0) : undefined;
  const contentType = SPEECH_CONTENT_TYPES[format] ?? 'application/octet-stream';
  return exchange.sendBinary(
    contentType,
    cut === undefined ? chunks : chunks.slice(0, cut),
    chunkDelayMs,
    cut !== undefined,
  );
}

/** Replies every audio route shares: a fixed JSON answer, an echo, a reset before anything, a delay, a stall. */
export async function scripted(exchange: Exchange, reply: ScriptedReply | undefined): Promise<'done' | 'continue'> {
  if (!reply) return 'continue';
  exchange.record.answeredBy = reply.kind;
  if (reply.kind === 'json') {
    exchange.sendJson(reply.status ?? 200, reply.body, reply.headers);
    return 'done';
  }
  if (reply.kind === 'echo') {
    exchange.sendJson(reply.status, { error: echoError(exchange) });
    return 'done';
  }
  if (reply.kind === 'reset' && (reply.afterChunks ?? 0) === 0) {
    exchange.reset();
    return 'done';
  }
  if (reply.kind === 'delay') {
    await sleep(reply.ms, exchange.signal);
    if (exchange.signal.aborted) return 'done';
    return scripted(exchange, reply.then);
  }
  if (reply.kind === 'stall') {
    await exchange.sendEventStream([], { kind: 'stall' }, 0);
    return 'done';
  }
  return 'continue';
}

async function encodeSpeech(format: OutputAudioFormat, speed: number): Promise<Buffer> {
  const pipeline = await createOutputPipeline({ format, speed });
  const pcm = speechPcm16();
  const head = pipeline.push(pcm);
  return Buffer.concat([head, await pipeline.end()]);
}
