import { createOutputPipeline, type OutputPipeline } from '@voxgate/audio';
import {
  type ChatCompletionChunk,
  type ChatCompletionRequest,
  type ChatCompletionResponse,
  OPENAI_OUTPUT_AUDIO_FORMATS,
  type OutputAudioFormat,
} from '@voxgate/openai-wire';
import type { ProviderCapabilities } from '@voxgate/providers';
import { requestedSpeed } from './audio-input';

/** How the answer's audio is produced: straight from the provider, or converted by the gateway. */
export interface AudioOutputPlan {
  /** `audio.format` asked of the provider. */
  readonly upstreamFormat: OutputAudioFormat;
  /** Set when the gateway converts the provider's pcm16 (another format, or a speed other than 1). */
  readonly convert: { readonly format: OutputAudioFormat; readonly speed: number } | null;
}

/** What the conversion did, for the `x-voxgate-audio-speed` header and metering. */
export interface AudioOutputReport {
  speed: number;
  /** Seconds of audio delivered, when the gateway produced them (null when passed through). */
  outputSeconds: number | null;
}

/**
 * Passes the provider's audio through whenever it can produce the requested format itself (for streams:
 * only its streaming formats, OpenAI's `pcm16`) at speed 1; otherwise asks it for 24 kHz pcm16 and
 * converts in process.
 */
export function planAudioOutput(
  request: ChatCompletionRequest,
  capabilities: ProviderCapabilities,
  /** The answer may span tool rounds: their audio is joined, which only raw pcm16 allows. */
  spansRounds = false,
): AudioOutputPlan | null {
  if (!request.audio || !(request.modalities?.includes('audio') ?? false)) return null;
  const format = request.audio.format;
  const speed = requestedSpeed(request);
  if (spansRounds) return { upstreamFormat: 'pcm16', convert: { format, speed } };
  const native = request.stream
    ? capabilities.streamingAudioFormats
    : (capabilities.audioFormats ?? OPENAI_OUTPUT_AUDIO_FORMATS);
  if (speed === 1 && native.includes(format)) return { upstreamFormat: format, convert: null };
  return { upstreamFormat: 'pcm16', convert: { format, speed } };
}

/** Converts the audio of a non-streamed answer in place. */
export async function convertResponseAudio(
  body: ChatCompletionResponse,
  plan: AudioOutputPlan,
  report: AudioOutputReport,
): Promise<void> {
  if (!plan.convert) return;
  let seconds = 0;
  for (const choice of body.choices) {
    const audio = choice.message.audio;
    if (!audio) continue;
    const pipeline = await createOutputPipeline({ format: plan.convert.format, speed: plan.convert.speed });
    const head = pipeline.push(Buffer.from(audio.data, 'base64'));
    const tail = await pipeline.end();
    audio.data = Buffer.concat([head, tail]).toString('base64');
    seconds += pipeline.outputSeconds;
  }
  report.outputSeconds = seconds;
}

/**
 * Converts a stream's audio chunk by chunk: each `delta.audio.data` (provider pcm16) goes through the
 * pipeline and out as the bytes it yields (chunks that yield nothing and carry nothing else are skipped);
 * the pipeline is flushed into one more data delta just before the `expires_at` delta, or at the end.
 * The concatenated deltas form one file of the requested format.
 */
export async function* convertStreamAudio(
  upstream: AsyncIterable<ChatCompletionChunk>,
  plan: AudioOutputPlan,
  report: AudioOutputReport,
): AsyncGenerator<ChatCompletionChunk> {
  const convert = plan.convert;
  if (!convert) {
    yield* upstream;
    return;
  }
  let pipeline: OutputPipeline | null = null;
  let flushed = false;
  const flush = async (template: ChatCompletionChunk): Promise<ChatCompletionChunk | null> => {
    if (!pipeline || flushed) return null;
    flushed = true;
    const tail = await pipeline.end();
    report.outputSeconds = pipeline.outputSeconds;
    if (tail.length === 0) return null;
    const { usage: _usage, ...base } = template;
    return {
      ...base,
      choices: [{ index: 0, delta: { audio: { data: Buffer.from(tail).toString('base64') } }, finish_reason: null }],
    };
  };
  let last: ChatCompletionChunk | null = null;
  try {
    for await (const chunk of upstream) {
      last = chunk;
      const audio = chunk.choices[0]?.delta.audio;
      if (audio?.expires_at !== undefined && audio.data === undefined) {
        const tail = await flush(chunk);
        if (tail) yield tail;
      }
      if (audio?.data !== undefined) {
        pipeline ??= await createOutputPipeline({ format: convert.format, speed: convert.speed });
        const bytes = pipeline.push(Buffer.from(audio.data, 'base64'));
        if (bytes.length > 0) audio.data = Buffer.from(bytes).toString('base64');
        else delete audio.data;
        const delta = chunk.choices[0]!.delta;
        const empty = Object.keys(audio).length === 0 && delta.content == null && !delta.role && !delta.tool_calls;
        const extended = 'voxgate' in chunk;
        if (
          empty &&
          chunk.choices.length === 1 &&
          chunk.choices[0]!.finish_reason === null &&
          !chunk.usage &&
          !extended
        )
          continue;
        if (Object.keys(audio).length === 0) delete delta.audio;
      }
      yield chunk;
    }
    if (last) {
      const tail = await flush(last);
      if (tail) yield tail;
    }
  } finally {
    if (!flushed) pipeline?.abort();
  }
}
