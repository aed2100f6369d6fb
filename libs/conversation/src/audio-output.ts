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
import { Base64Chunker } from './base64-chunker';

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

/** The pipeline of relayed audio: bytes out as they came in. */
function relayedAudio(): Pick<OutputPipeline, 'push' | 'end' | 'abort' | 'outputSeconds'> {
  return {
    push: (bytes) => bytes,
    end: () => Promise.resolve(new Uint8Array(0)),
    abort: () => undefined,
    outputSeconds: 0,
  };
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
 * pipeline — or, when the provider produced the requested format itself, is relayed unchanged — and out
 * as the bytes it yields (chunks that yield nothing and carry nothing else are skipped).
 * The concatenated deltas form one file of the requested format.
 *
 * Every data delta but the last carries a multiple of 3 bytes (`Base64Chunker`; of 6 for pcm16, whole
 * samples), so that clients joining the base64 strings (the SDKs' stream helpers) get the same file as
 * clients joining decoded bytes.
 * The pipeline's tail and the chunker's remainder go out as one last data delta just before whatever ends
 * the audio (the `expires_at` delta, else the `finish_reason` chunk, else the end of the stream), so the
 * contract's order holds: data, `expires_at`, finish. A closing chunk that carries data itself gets the
 * tail appended to it instead.
 */
export async function* convertStreamAudio(
  upstream: AsyncIterable<ChatCompletionChunk>,
  plan: AudioOutputPlan,
  report: AudioOutputReport,
): AsyncGenerator<ChatCompletionChunk> {
  const convert = plan.convert;
  // Audio the provider produced in the requested format is relayed byte for byte, but re-cut like
  // converted audio: its deltas may carry any byte count, and padded ones break the SDKs' helpers.
  const open = convert
    ? () => createOutputPipeline({ format: convert.format, speed: convert.speed })
    : () => Promise.resolve(relayedAudio());
  let pipeline: Pick<OutputPipeline, 'push' | 'end' | 'abort' | 'outputSeconds'> | null = null;
  // Raw pcm16 deltas also keep whole samples (openai-contract.md §3.2: an even byte count).
  const base64 = new Base64Chunker((convert?.format ?? plan.upstreamFormat) === 'pcm16' ? 2 : 1);
  let flushed = false;
  /** Ends the pipeline: the base64 of everything not yet sent (`''` when nothing is left or it never started). */
  const end = async (): Promise<string> => {
    if (!pipeline || flushed) return '';
    flushed = true;
    const tail = await pipeline.end();
    if (convert) report.outputSeconds = pipeline.outputSeconds;
    return base64.end(tail);
  };
  const tailChunk = (template: ChatCompletionChunk, data: string): ChatCompletionChunk => {
    const { usage: _usage, ...base } = template;
    return { ...base, choices: [{ index: 0, delta: { audio: { data } }, finish_reason: null }] };
  };
  let last: ChatCompletionChunk | null = null;
  try {
    for await (const chunk of upstream) {
      last = chunk;
      const choice = chunk.choices[0];
      const audio = choice?.delta.audio;
      const ends = choice !== undefined && (audio?.expires_at !== undefined || choice.finish_reason !== null);
      if (ends && audio?.data === undefined) {
        const tail = await end();
        if (tail !== '') yield tailChunk(chunk, tail);
      }
      if (audio?.data !== undefined) {
        pipeline ??= await open();
        const bytes = pipeline.push(Buffer.from(audio.data, 'base64'));
        const data = ends ? base64.push(bytes) + (await end()) : base64.push(bytes);
        if (data !== '') audio.data = data;
        else delete audio.data;
        const delta = choice!.delta;
        const empty = Object.keys(audio).length === 0 && delta.content == null && !delta.role && !delta.tool_calls;
        const extended = 'voxgate' in chunk;
        if (empty && chunk.choices.length === 1 && choice!.finish_reason === null && !chunk.usage && !extended)
          continue;
        if (Object.keys(audio).length === 0) delete delta.audio;
      }
      yield chunk;
    }
    if (last) {
      const tail = await end();
      if (tail !== '') yield tailChunk(last, tail);
    }
  } finally {
    if (!flushed) pipeline?.abort();
  }
}
