import type { ChatCompletionRequest, ChatCompletionResponse, ChatMessage, Usage } from '@voxgate/openai-wire';
import type {
  ProviderAdapter,
  ProviderCallContext,
  ProviderRoute,
  ProviderRouter,
  ProviderStream,
  UpstreamSignal,
} from '@voxgate/providers';
import { type AudioLimits, DEFAULT_AUDIO_LIMITS } from '@voxgate/audio';
import { prepareAudioInput, withoutExtensions } from './audio-input';
import { type AudioOutputReport, convertResponseAudio, convertStreamAudio, planAudioOutput } from './audio-output';
import { checkAudioRules } from './audio-rules';
import type { ServerToolRun, ServerTools } from './server-tools';
import { emptyStreamToolLoopReport, streamToolLoop, type StreamToolLoopReport } from './stream-tool-loop';
import { runToolLoop } from './tool-loop';
import { DEFAULT_TOOL_LOOP_LIMITS, type ToolLoopLimits } from './tool-loop-budget';
import { offeredTools } from './tool-round';
import { observedChunks, type UpstreamCallObserver } from './upstream-call-observer';
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
  /** Aborted when the client disconnects: stops the upstream call (`ProviderCallContext.signal`). */
  readonly signal: UpstreamSignal;
  /** Replace provider audio ids by Voxgate's (see `AudioIdPolicy`). */
  readonly audioIds?: AudioIdPolicy;
  /** Keep streamed audio bytes for storage (sessions). */
  readonly keepAudio?: boolean;
  /** Keep a stream's text for storage (sessions); default true. See `StreamShape.keepText`. */
  readonly keepText?: boolean;
  /**
   * The tenant's server tools: offered beside the client's and run by the tool loop (streaming or not).
   * Not offered when the client asks for several choices (`n` > 1): the loop follows one conversation.
   */
  readonly serverTools?: ServerTools;
  /**
   * The request's admission, when the caller lets the provider call start before it is decided (quota
   * admission overlapped with the call): the first provider call may leave at once, but nothing else
   * happens before it resolves: no answer is returned, no stream handed over, no server tool run, no
   * second round sent. When it rejects, its error is what this throws (the caller also aborts `signal`, so
   * the provider call in flight stops).
   */
  readonly admitted?: Promise<unknown>;
}

/** Facts every outcome carries, for response headers and logs. */
export interface CompletionRoute {
  readonly model: string;
  /** The provider that served the answer: the model's own, or the fallback that took over. */
  readonly provider: string;
  /** The model name that provider was sent. */
  readonly upstreamModel: string;
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
      /** The tool loop's rounds, runs and stored messages (empty without server tools); final once `events` ended. */
      readonly tools: StreamToolLoopReport;
    };

/**
 * The relay: resolve the model, check the audio rules for its provider, call the provider (through the
 * router: the model's fallbacks take over when it fails before answering) with the upstream model name (and, when streaming, always with `include_usage` so metering never misses a
 * stream), then shape the answer for the client with the dated snapshot as `model`.
 *
 * Throws `GatewayError` for anything that fails before a response starts.
 */
export class CreateChatCompletion {
  constructor(
    private readonly models: ModelCatalog,
    /** Calls a model's providers in order, behind their circuit breakers. */
    private readonly router: ProviderRouter,
    /** Bounds on client audio (duration, decoded size), checked before any work. */
    private readonly audioLimits: AudioLimits = DEFAULT_AUDIO_LIMITS,
    /** Budget of the server-side tool loop. */
    private readonly toolLoop: ToolLoopLimits = DEFAULT_TOOL_LOOP_LIMITS,
    /** Told about every provider call (tracing); absent: calls and streams are not wrapped. */
    private readonly upstream?: UpstreamCallObserver,
  ) {}

  async execute({
    request,
    requestId,
    signal,
    audioIds,
    keepAudio,
    keepText,
    serverTools,
    admitted,
  }: CreateChatCompletionCommand): Promise<CreateChatCompletionResult> {
    const model = this.models.resolve(request.model);
    // Audio rules and planning follow the model's own provider; fallbacks must accept the same request.
    const provider = this.router.adapter(model.provider);
    checkAudioRules(request, provider.capabilities);
    const context = { requestId, signal };
    const tools = serverTools && serverTools.definitions.length > 0 && (request.n ?? 1) === 1 ? serverTools : null;
    const plan = planAudioOutput(request, provider.capabilities, tools !== null);
    const audio: AudioOutputReport = { speed: plan?.convert?.speed ?? 1, outputSeconds: null };
    const { messages } = await prepareAudioInput(request, provider.capabilities, this.audioLimits);
    const prepared = withoutExtensions({
      ...request,
      messages,
      ...(plan && request.audio ? { audio: { ...request.audio, format: plan.upstreamFormat } } : {}),
    });

    if (!request.stream) {
      let upstreamRequestId: string | null = null;
      let served: ProviderRoute = model.routes[0]!;
      const callModel = async (next: ChatCompletionRequest) => {
        const routed = await this.router.call(model.routes, (adapter, route) =>
          this.complete(adapter, { ...next, model: route.upstreamModel }, context),
        );
        if (admitted) await admitted;
        served = routed.route;
        upstreamRequestId = routed.value.upstreamRequestId;
        return routed.value.body;
      };
      let toolRuns: ServerToolRun[] = [];
      let toolMessages: ChatMessage[] = [];
      let body: ChatCompletionResponse;
      if (tools) {
        const looped = await runToolLoop(prepared, tools, callModel, this.toolLoop);
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
        route: routeOf(model.snapshot, served, upstreamRequestId),
        body,
        usage: body.usage ?? null,
        audioIds: audioIds ? rewriteResponseAudioIds(body, audioIds) : [],
        audio,
        toolRuns,
        toolMessages,
      };
    }

    // `Object.assign` rather than a spread: V8 (Node 20) takes about 1 µs to add keys to a spread copy.
    const upstreamRequest: ChatCompletionRequest = Object.assign({}, prepared);
    if (tools) upstreamRequest.tools = offeredTools(prepared, tools);
    upstreamRequest.model = model.upstreamModel;
    upstreamRequest.stream_options = { ...request.stream_options, include_usage: true };
    const { value: started, route: served } = await this.router.call(model.routes, (adapter, route) =>
      this.startStream(adapter, { ...upstreamRequest, model: route.upstreamModel }, context),
    );
    if (admitted) await admitted;
    const toolReport = emptyStreamToolLoopReport();
    const upstreamChunks = tools
      ? streamToolLoop({
          request: upstreamRequest,
          first: started.chunks,
          tools,
          // Later rounds stay with the provider that served the first: the client has its bytes.
          start: async (next) =>
            (
              await this.router.call([served], (adapter, route) =>
                this.startStream(adapter, { ...next, model: route.upstreamModel }, context),
              )
            ).value.chunks,
          limits: this.toolLoop,
          report: toolReport,
        })
      : started.chunks;
    const summary = emptySummary();
    const shape = {
      model: model.snapshot,
      includeUsage: request.stream_options?.include_usage === true,
      ...(audioIds ? { audioIds } : {}),
      ...(keepAudio ? { keepAudio } : {}),
      ...(keepText === false ? { keepText } : {}),
    };
    const chunks = plan ? convertStreamAudio(upstreamChunks, plan, audio) : upstreamChunks;
    return {
      kind: 'stream',
      route: routeOf(model.snapshot, served, started.upstreamRequestId),
      events: relayStream(chunks, shape, summary),
      summary,
      audio,
      tools: toolReport,
    };
  }

  /** `provider.chatCompletion`, reported to the upstream observer. */
  private async complete(provider: ProviderAdapter, request: ChatCompletionRequest, context: ProviderCallContext) {
    const finish = this.upstream?.upstreamCall({ provider: provider.id, model: request.model, stream: false });
    if (!finish) return provider.chatCompletion(request, context);
    try {
      const result = await provider.chatCompletion(request, context);
      finish({ outcome: 'ok', upstreamRequestId: result.upstreamRequestId, usage: result.body.usage ?? null });
      return result;
    } catch (error) {
      finish({ outcome: 'error', error });
      throw error;
    }
  }

  /** `provider.streamChatCompletion`, reported to the upstream observer once its chunks are consumed. */
  private async startStream(
    provider: ProviderAdapter,
    request: ChatCompletionRequest,
    context: ProviderCallContext,
  ): Promise<ProviderStream> {
    const finish = this.upstream?.upstreamCall({ provider: provider.id, model: request.model, stream: true });
    if (!finish) return provider.streamChatCompletion(request, context);
    let started: ProviderStream;
    try {
      started = await provider.streamChatCompletion(request, context);
    } catch (error) {
      finish({ outcome: 'error', error });
      throw error;
    }
    return { ...started, chunks: observedChunks(started.chunks, started.upstreamRequestId, finish) };
  }
}

/** The route as reported: one literal (a spread of `served` plus a key costs V8 more than it is worth here). */
function routeOf(model: string, served: ProviderRoute, upstreamRequestId: string | null): CompletionRoute {
  return { model, provider: served.provider, upstreamModel: served.upstreamModel, upstreamRequestId };
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
