import { randomBytes, randomUUID } from 'node:crypto';
import { LocalVoiceError } from '@voxgate/local-voice';
import {
  type ChatCompletionChunk,
  type ChatCompletionRequest,
  type ChunkDelta,
  GatewayError,
  type Usage,
} from '@voxgate/openai-wire';
import { onAbort, whatwgSignal } from '../../call-abort';
import type { ProviderCallContext, ProviderStream } from '../../provider-adapter';
import { UpstreamStreamError } from '../../upstream-stream-error';
import type { LocalEngines } from '../local-speech';
import { gatewayErrorOf } from '../local.api';
import type { LocalTextModel } from '../text-model';
import { ChunkQueue } from './chunk-queue';
import { cascadeUsage } from './cascade-usage';
import { SentenceStream } from './sentence-stream';
import { textModelNotConfigured } from './text-model-errors';
import { textRequestOf, transcribeMessages } from './transcribe-messages';

/** OpenAI's `pcm16`: 24 kHz mono s16le; the gateway converts it to the asked format and speed. */
const PCM_RATE = 24_000;
/** Bytes of pcm16 per `delta.audio.data`: 200 ms. */
const AUDIO_CHUNK_BYTES = 9_600;
/** How long `message.audio.id` is said to stay valid, as OpenAI's (1 h). */
const AUDIO_TTL_SECONDS = 3_600;

/**
 * Chat completions on a `type: local` provider: speech to text, a text model, text to speech.
 *
 * 1. Every `input_audio` part of every user message is transcribed (pocketsphinx); the text model gets a
 *    text-only request (`textRequestOf`).
 * 2. The text model's stream is relayed as it comes. With `modalities: ["audio"]` its `content` deltas
 *    become `delta.audio.transcript` (the first one with `audio.id`, `content: null`), as OpenAI's audio
 *    models stream; each sentence (`SentenceStream`) is synthesized as soon as it is complete and its
 *    24 kHz pcm16 goes out as `delta.audio.data` while the text model goes on, so the first audio leaves
 *    before the text model has finished. Tool calls and refusals pass through unchanged.
 * 3. The end: the last sentence is spoken, then an `expires_at` delta (when there was audio), the text
 *    model's `finish_reason`, and a usage chunk (`cascadeUsage`).
 *
 * Errors before the first chunk are `GatewayError`s (no text model: 503 `text_model_not_configured`; an
 * unknown voice: 400; the text model's own, e.g. 502 when it is down); later ones end the stream with an
 * `UpstreamStreamError`. Audio is always produced at speed 1 in pcm16: the gateway plans `audio.format`
 * and `speed` around the provider's capabilities.
 */
export class LocalCascade {
  constructor(
    private readonly provider: string,
    private readonly engines: LocalEngines,
    /** The text model of an upstream model name; null when none is configured. */
    private readonly textModelOf: (model: string) => LocalTextModel | null,
    private readonly clock: () => number = Date.now,
  ) {}

  async stream(request: ChatCompletionRequest, context: ProviderCallContext): Promise<ProviderStream> {
    const textModel = this.textModelOf(request.model);
    if (!textModel) throw textModelNotConfigured(this.provider, request.model);
    const voice = wantsAudio(request) ? voiceOf(request) : null;
    if (voice !== null) await this.checkVoice(voice);
    const heard = await transcribeMessages(request.messages, this.engines, this.provider, whatwgSignal(context.signal));
    // Our own controller: the consumer stopping early must stop the text model and the engines too.
    const controller = new AbortController();
    const unfollow = onAbort(context.signal, () => controller.abort(context.signal.reason));
    const answer = textModel.stream(textRequestOf(request, heard.messages), controller.signal);
    const upstream = answer[Symbol.asyncIterator]();
    let first: IteratorResult<ChatCompletionChunk>;
    try {
      first = await upstream.next();
    } catch (error) {
      unfollow();
      throw error instanceof UpstreamStreamError
        ? new GatewayError(502, 'upstream_error', error.error.code, error.message)
        : error;
    }
    const run = new CascadeRun(
      this.provider,
      this.engines,
      request.model,
      voice,
      heard.audioSeconds,
      controller,
      this.clock,
    );
    const chunks = run.chunks(first, upstream, unfollow);
    return { chunks, upstreamRequestId: null };
  }

  /**
   * An unknown voice is a clean 400 before anything streams. `synthesize` checks the voice before it looks
   * at the text, and refuses text without words before starting a job: a probe costs no synthesis.
   */
  private async checkVoice(voice: string): Promise<void> {
    try {
      await this.engines.synthesize({ text: '.', voice }).next();
    } catch (error) {
      const raw = LocalVoiceError.from(error);
      if (raw.code === 'invalid_argument') return;
      throw gatewayErrorOf(this.provider, raw, 'input');
    }
  }
}

/** One cascade answer being produced: the text model's reader and the sentence synthesizer, merged. */
class CascadeRun {
  private readonly queue = new ChunkQueue<ChatCompletionChunk>();
  private readonly sentences = new SentenceStream();
  private readonly id = `chatcmpl-${randomUUID().replace(/-/g, '')}`;
  private readonly audioId = `audio_${randomBytes(12).toString('hex')}`;
  private readonly created: number;
  private speaking: Promise<void> = Promise.resolve();
  private audioStarted = false;
  private pcmBytes = 0;
  private transcriptChars = 0;

  constructor(
    private readonly provider: string,
    private readonly engines: LocalEngines,
    private readonly model: string,
    private readonly voice: string | null,
    private readonly audioInSeconds: number,
    private readonly controller: AbortController,
    clock: () => number,
  ) {
    this.created = Math.floor(clock() / 1000);
  }

  async *chunks(
    first: IteratorResult<ChatCompletionChunk>,
    upstream: AsyncIterator<ChatCompletionChunk>,
    release: () => void,
  ): AsyncGenerator<ChatCompletionChunk> {
    void this.produce(first, upstream).then(
      () => this.queue.close(),
      (error: unknown) => this.queue.fail(asStreamError(this.provider, error)),
    );
    try {
      yield* this.queue;
    } finally {
      release();
      // Stops the text model and any synthesis still running when the consumer stopped early.
      if (!this.controller.signal.aborted) this.controller.abort();
      await upstream.return?.().catch(() => undefined);
    }
  }

  private async produce(first: IteratorResult<ChatCompletionChunk>, upstream: AsyncIterator<ChatCompletionChunk>) {
    let finishReason: string | null = null;
    let usage: Usage | null = null;
    for (let next = first; !next.done; next = await upstream.next()) {
      const chunk = next.value;
      if (chunk.usage) usage = chunk.usage;
      const choice = chunk.choices.find((candidate) => candidate.index === 0);
      if (!choice) continue;
      if (choice.finish_reason) finishReason = choice.finish_reason;
      this.relay(choice.delta);
    }
    for (const sentence of this.sentences.end()) this.speak(sentence);
    await this.speaking;
    if (this.audioStarted) this.emit({ audio: { expires_at: this.created + AUDIO_TTL_SECONDS } });
    this.emit({}, finishReason ?? 'stop');
    this.queue.push({
      ...this.envelope([]),
      usage: cascadeUsage(usage, {
        audioInSeconds: this.audioInSeconds,
        audioOutSeconds: this.pcmBytes / (PCM_RATE * 2),
        textOutChars: this.transcriptChars,
      }),
    });
  }

  /** One delta of the text model, as the client gets it; its text goes to the synthesizer when voiced. */
  private relay(delta: ChunkDelta): void {
    const { content, ...rest } = delta;
    const out: ChunkDelta = { ...rest };
    if (this.voice !== null && typeof content === 'string' && content !== '') {
      this.transcriptChars += content.length;
      out.audio = this.audioStarted ? { transcript: content } : { id: this.audioId, transcript: content };
      if (!this.audioStarted) out.content = null;
      this.audioStarted = true;
      for (const sentence of this.sentences.push(content)) this.speak(sentence);
    } else if (content !== undefined) {
      out.content = this.voice !== null && content === '' ? null : content;
      if (typeof content === 'string') this.transcriptChars += content.length;
    }
    if (Object.keys(out).length > 0) this.emit(out);
  }

  /** Queues a sentence behind the previous one: audio keeps the order of the text. */
  private speak(text: string): void {
    if (this.voice === null) return;
    const voice = this.voice;
    this.speaking = this.speaking.then(async () => {
      for await (const chunk of this.engines.synthesize({
        text,
        voice,
        sampleRate: PCM_RATE,
        signal: this.controller.signal,
      })) {
        const bytes = Buffer.from(chunk.samples.buffer, chunk.samples.byteOffset, chunk.samples.byteLength);
        for (let offset = 0; offset < bytes.length; offset += AUDIO_CHUNK_BYTES) {
          const data = bytes.subarray(offset, offset + AUDIO_CHUNK_BYTES).toString('base64');
          this.pcmBytes += Math.min(AUDIO_CHUNK_BYTES, bytes.length - offset);
          this.emit({ audio: { data } });
        }
      }
    });
    // A failure is reported once, by `produce` awaiting `speaking`; stop the text model at once meanwhile.
    this.speaking.catch((error: unknown) => {
      this.queue.fail(asStreamError(this.provider, error));
      if (!this.controller.signal.aborted) this.controller.abort();
    });
  }

  private emit(delta: ChunkDelta, finishReason: string | null = null): void {
    this.queue.push(this.envelope([{ index: 0, delta, finish_reason: finishReason }]));
  }

  private envelope(choices: ChatCompletionChunk['choices']): ChatCompletionChunk {
    return { id: this.id, object: 'chat.completion.chunk', created: this.created, model: this.model, choices };
  }
}

function wantsAudio(request: ChatCompletionRequest): boolean {
  return (request.modalities?.includes('audio') ?? false) && request.audio !== undefined && request.audio !== null;
}

function voiceOf(request: ChatCompletionRequest): string {
  const voice = request.audio!.voice;
  return typeof voice === 'string' ? voice : voice.id;
}

/** Anything that ends a started cascade, as the error the relay reports in-band. */
function asStreamError(provider: string, error: unknown): unknown {
  if (error instanceof UpstreamStreamError) return error;
  if (error instanceof GatewayError) return new UpstreamStreamError(error.toOpenAIError());
  if (error instanceof LocalVoiceError)
    return new UpstreamStreamError(gatewayErrorOf(provider, error, 'input').toOpenAIError());
  return error;
}
