import type { ChatCompletionRequest, ChatCompletionResponse, ChatMessage, Usage } from '@voxgate/openai-wire';
import type { ProviderRegistry } from '@voxgate/providers';
import { type AudioLimits, DEFAULT_AUDIO_LIMITS } from '@voxgate/audio';
import { prepareAudioInput, withoutExtensions } from './audio-input';
import { type AudioOutputReport, convertResponseAudio, convertStreamAudio, planAudioOutput } from './audio-output';
import { checkAudioRules } from './audio-rules';
import { DEFAULT_MAX_TOOL_ROUNDS, type ServerToolRun, type ServerTools } from './server-tools';
import { runToolLoop } from './tool-loop';
import type { ModelCatalog } from './model-catalog';
import {
  type AudioIdMapping,
  type AudioIdPolicy,
  emptySummary,
  type RelayEvent,
  type RelaySummary,
  relayStream,
} from './stream-relay';

/** One chat completion, as the HTTP layer or a batch line hands it over. */
export interface CreateChatCompletionCommand {
  /** Body validated by `ChatCompletionRequestSchema`. */
  readonly request: ChatCompletionRequest;
  readonly requestId: string;
  /** Aborted when the client disconnects: stops the upstream call. */
  readonly signal: AbortSignal;
  /** Replace provider audio ids by Voxgate's (see `AudioIdPolicy`). */
  readonly audioIds?: AudioIdPolicy;
  /** Keep streamed audio bytes for storage (sessions). */
  readonly keepAudio?: boolean;
  /**
   * The tenant's server tools. Run by the loop on non-streaming requests; streaming requests are not
   * offered server tools yet.
   */
  readonly serverTools?: ServerTools;
}

/** Facts every outcome carries, for response headers and logs. */
export interface CompletionRoute {
  readonly model: string;
  readonly provider: string;
  readonly upstreamRequestId: string | null;
}

export type CreateChatCompletionResult =
  | {
      readonly kind: 'json';
      readonly route: CompletionRoute;
      readonly body: ChatCompletionResponse;
      readonly usage: Usage | null;
      /** Provider audio ids replaced under `audioIds`. */
      readonly audioIds: AudioIdMapping[];
      readonly audio: AudioOutputReport;
      /** Server tool calls the loop executed (empty without server tools). */
      readonly toolRuns: ServerToolRun[];
      /** The loop's assistant tool calls and tool results, before the final answer (sessions store them). */
      readonly toolMessages: ChatMessage[];
    }
  | {
      readonly kind: 'stream';
      readonly route: CompletionRoute;
      /** Client-bound events, to be written as they come. */
      readonly events: AsyncIterable<RelayEvent>;
      /** Filled in while `events` is consumed; final once iteration ends. */
      readonly summary: RelaySummary;
      /** Speed applied; output seconds once the stream ended (when the gateway converted). */
      readonly audio: AudioOutputReport;
    };

/**
 * The relay: resolve the model, check the audio rules for its provider, call the provider with the
 * upstream model name (and, when streaming, always with `include_usage` so metering never misses a
 * stream), then shape the answer for the client with the dated snapshot as `model`.
 *
 * Throws `GatewayError` for anything that fails before a response starts.
 */
export class CreateChatCompletion {
  constructor(
    private readonly models: ModelCatalog,
    private readonly providers: ProviderRegistry,
    /** Bounds on client audio (duration, decoded size), checked before any work. */
    private readonly audioLimits: AudioLimits = DEFAULT_AUDIO_LIMITS,
    /** Tool rounds before the model is made to answer. */
    private readonly maxToolRounds: number = DEFAULT_MAX_TOOL_ROUNDS,
  ) {}

  async execute({
    request,
    requestId,
    signal,
    audioIds,
    keepAudio,
    serverTools,
  }: CreateChatCompletionCommand): Promise<CreateChatCompletionResult> {
    const model = this.models.resolve(request.model);
    const provider = this.providers.get(model.provider);
    checkAudioRules(request, provider.capabilities);
    const context = { requestId, signal };
    const plan = planAudioOutput(request, provider.capabilities);
    const audio: AudioOutputReport = { speed: plan?.convert?.speed ?? 1, outputSeconds: null };
    const { messages } = await prepareAudioInput(request, provider.capabilities, this.audioLimits);
    const prepared = withoutExtensions({
      ...request,
      messages,
      ...(plan && request.audio ? { audio: { ...request.audio, format: plan.upstreamFormat } } : {}),
    });

    if (!request.stream) {
      let upstreamRequestId: string | null = null;
      const callModel = async (next: ChatCompletionRequest) => {
        const result = await provider.chatCompletion({ ...next, model: model.upstreamModel }, context);
        upstreamRequestId = result.upstreamRequestId;
        return result.body;
      };
      let toolRuns: ServerToolRun[] = [];
      let toolMessages: ChatMessage[] = [];
      let body: ChatCompletionResponse;
      if (serverTools && serverTools.definitions.length > 0) {
        const looped = await runToolLoop(prepared, serverTools, callModel, this.maxToolRounds);
        body = looped.response;
        toolRuns = looped.report.runs;
        toolMessages = looped.report.messages;
      } else {
        body = await callModel(prepared);
      }
      body.model = model.snapshot;
      if (plan) await convertResponseAudio(body, plan, audio);
      return {
        kind: 'json',
        route: { model: model.snapshot, provider: provider.id, upstreamRequestId },
        body,
        usage: body.usage ?? null,
        audioIds: audioIds ? rewriteResponseAudioIds(body, audioIds) : [],
        audio,
        toolRuns,
        toolMessages,
      };
    }

    const upstreamRequest: ChatCompletionRequest = {
      ...prepared,
      model: model.upstreamModel,
      stream_options: { ...request.stream_options, include_usage: true },
    };
    const started = await provider.streamChatCompletion(upstreamRequest, context);
    const summary = emptySummary();
    const shape = {
      model: model.snapshot,
      includeUsage: request.stream_options?.include_usage === true,
      ...(audioIds ? { audioIds } : {}),
      ...(keepAudio ? { keepAudio } : {}),
    };
    const chunks = plan ? convertStreamAudio(started.chunks, plan, audio) : started.chunks;
    return {
      kind: 'stream',
      route: { model: model.snapshot, provider: provider.id, upstreamRequestId: started.upstreamRequestId },
      events: relayStream(chunks, shape, summary),
      summary,
      audio,
    };
  }
}

function rewriteResponseAudioIds(body: ChatCompletionResponse, policy: AudioIdPolicy): AudioIdMapping[] {
  const mappings: AudioIdMapping[] = [];
  for (const choice of body.choices) {
    const audio = choice.message.audio;
    if (!audio) continue;
    const mapping = { upstreamId: audio.id, id: policy.newId(), upstreamExpiresAt: audio.expires_at };
    mappings.push(mapping);
    audio.id = mapping.id;
    audio.expires_at = policy.expiresAt(audio.expires_at);
  }
  return mappings;
}
