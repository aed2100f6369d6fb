import { Body, Controller, HttpCode, Inject, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { GatewayConfig } from '@voxgate/config';
import { CreateChatCompletion, toolRunView } from '@voxgate/conversation';
import {
  type ChatCompletionRequest,
  ChatCompletionRequestSchema,
  type ChatCompletionResponse,
  GatewayError,
  type OpenAIError,
} from '@voxgate/openai-wire';
import type { Principal } from '@voxgate/tenancy';
import { ATTR_OUTCOME, type CompletionSpan, traceChatCompletion } from '@voxgate/telemetry';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AllowClientSecret } from '../auth/allow-client-secret.decorator';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { requestAbortController } from '../http/client-abort';
import { ZodBody } from '../http/zod-body.pipe';
import { AccessLog } from '../infra/access-log';
import { GracefulShutdown } from '../infra/graceful-shutdown';
import { GATEWAY_CONFIG } from '../infra/tokens';
import { timedFirstEvents } from '../metrics/first-event-timing';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { completionEndAttributes, completionStartAttributes } from './completion-tracing';
import { ConversationTurns } from './conversation-turns';
import { GatewayTools } from '../tools/tools-runtime.provider';
import { MeteredChat } from './metered-chat';
import { assembledFrom, headerOf, idempotencyKeyOf, routeHeaders, toolHeaders } from './completion-http';
import { type StreamEnd, writeSse } from './sse-writer';

const STREAM_STATUS = {
  completed: 'completed',
  upstream_error: 'upstream_error',
  client_disconnected: 'cancelled',
  interrupted: 'failed',
} as const satisfies Record<StreamEnd, string>;

/** `POST /v1/chat/completions`: JSON in, JSON or SSE out, exactly as OpenAI's; admitted and metered. */
@Controller('v1/chat/completions')
@UseGuards(ApiKeyGuard)
@AllowClientSecret()
export class ChatCompletionsController {
  constructor(
    private readonly createChatCompletion: CreateChatCompletion,
    private readonly metered: MeteredChat,
    private readonly turns: ConversationTurns,
    private readonly tools: GatewayTools,
    private readonly accessLog: AccessLog,
    private readonly shutdown: GracefulShutdown,
    private readonly metrics: GatewayMetrics,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
  ) {
    this.keepAliveMs = config.server.sseKeepAliveMs;
    this.maxSilenceMs = config.server.sseMaxSilenceMs;
  }

  private readonly keepAliveMs: number;
  private readonly maxSilenceMs: number;

  @Post()
  @HttpCode(200)
  create(
    @Body(new ZodBody(ChatCompletionRequestSchema)) request: ChatCompletionRequest,
    @CurrentPrincipal() principal: Principal,
    @Req() httpRequest: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ChatCompletionResponse | undefined> {
    // One `voxgate.chat.completion` span around the whole request, continuing the client's `traceparent`.
    const attributes = completionStartAttributes(request, principal, httpRequest);
    // Tracked until metered and stored, so a shutdown waits for it (and cuts it at its deadline).
    const abort = requestAbortController(reply);
    const done = this.shutdown.track(abort);
    return traceChatCompletion(httpRequest.headers, attributes, async (span) => {
      try {
        return await this.respond(request, principal, httpRequest, reply, span, abort);
      } catch (error) {
        span.set({ [ATTR_OUTCOME]: MeteredChat.statusOf(error) });
        throw error;
      } finally {
        done();
      }
    });
  }

  private async respond(
    request: ChatCompletionRequest,
    principal: Principal,
    httpRequest: FastifyRequest,
    reply: FastifyReply,
    span: CompletionSpan,
    abort: AbortController,
  ): Promise<ChatCompletionResponse | undefined> {
    const started = performance.now();
    const sessionId = ConversationTurns.sessionIdOf(httpRequest.headers['x-session-id']);
    const prepared = await this.turns.prepare(principal, request, sessionId);
    const admission = await this.metered.admit(principal, prepared.request, httpRequest.id);
    void reply.headers({ ...admission.reservation.headers, ...(sessionId ? { 'x-session-id': sessionId } : {}) });
    const { signal } = abort;
    const idempotencyKey = idempotencyKeyOf(httpRequest);

    let result;
    try {
      const serverTools = await this.tools.forRequest({
        tenantId: principal.tenantId,
        sessionId,
        requestId: idempotencyKey ?? httpRequest.id,
        confirmationToken: headerOf(httpRequest, 'x-voxgate-confirmation'),
        signal,
      });
      result = await this.createChatCompletion.execute({
        ...(serverTools ? { serverTools } : {}),
        request: prepared.request,
        requestId: httpRequest.id,
        signal,
        audioIds: this.turns.audioIds,
        keepAudio: sessionId !== null,
        keepText: sessionId !== null,
      });
    } catch (error) {
      this.metered.finish(admission, { status: MeteredChat.statusOf(error), usage: null });
      throw error;
    }

    const headers = {
      ...admission.reservation.headers,
      ...(sessionId ? { 'x-session-id': sessionId } : {}),
      ...routeHeaders(result.route),
      ...(request.audio && request.modalities?.includes('audio')
        ? { 'x-voxgate-audio-speed': String(result.audio.speed) }
        : {}),
    };
    if (result.kind === 'json') {
      void reply.headers({ ...headers, ...toolHeaders(result.toolRuns) });
      if (result.toolRuns.length > 0) {
        Object.assign(result.body, { voxgate: { tool_runs: result.toolRuns.map(toolRunView) } });
      }
      const message = result.body.choices[0]?.message;
      await this.turns.complete(
        principal,
        httpRequest.id,
        prepared,
        {
          message: message ? assembledFrom(message) : null,
          toolMessages: result.toolMessages,
          audioIds: result.audioIds,
          audio: message?.audio ? { data: message.audio.data, format: request.audio?.format ?? 'wav' } : null,
        },
        idempotencyKey,
      );
      this.metered.finish(admission, {
        status: 'completed',
        provider: result.route.provider,
        upstreamModel: result.route.upstreamModel,
        usage: result.usage,
        toolCalls: result.toolRuns.filter((run) => !run.replayed).length,
        audioOutMs:
          result.audio.outputSeconds !== null
            ? result.audio.outputSeconds * 1000
            : MeteredChat.audioOutMs(result.body, request.audio?.format),
      });
      this.accessLog.completion(httpRequest, reply, result.route, {
        usage: result.usage,
        end: 'completed',
        durationMs: performance.now() - started,
      });
      span.set(completionEndAttributes('completed', result.route, result.usage, result.toolRuns.length));
      const timing = this.metrics.completion(result.route.model, false);
      timing.firstByte.observe(reply.elapsedTime / 1000);
      if (message?.audio) timing.firstAudio.observe(reply.elapsedTime / 1000);
      return result.body;
    }

    const { summary } = result;
    const settle = async (end: StreamEnd): Promise<void> => {
      // What the client received is stored, also when the gateway cut the stream short (shutdown).
      if (end === 'completed' || end === 'interrupted') {
        await this.turns.complete(
          principal,
          httpRequest.id,
          prepared,
          {
            message: summary.message,
            toolMessages: result.tools.messages,
            audioIds: summary.audioIds,
            audio: summary.audio?.length
              ? { data: summary.audio.toString('base64'), format: request.audio?.format ?? 'pcm16' }
              : null,
          },
          idempotencyKey,
        );
      }
      this.metered.finish(admission, {
        status: STREAM_STATUS[end],
        provider: result.route.provider,
        upstreamModel: result.route.upstreamModel,
        // A stream cut short during the tool loop still consumed the rounds that completed.
        usage: summary.usage ?? result.tools.usage,
        generated: summary.generated,
        toolCalls: result.tools.runs.filter((run) => !run.replayed).length,
        ...(result.audio.outputSeconds !== null ? { audioOutMs: result.audio.outputSeconds * 1000 } : {}),
      });
    };
    const lease = this.metered.keepLease(admission);
    let end: StreamEnd;
    try {
      // A complete stream is stored, and its settle and usage issued to Redis, before `[DONE]`: a client that
      // starts its next turn at once finds the turn in its session, and its stream slot freed and its usage
      // recorded by commands Redis received before that turn's (MeteredChat.finish).
      const timing = this.metrics.completion(result.route.model, true);
      const events = timedFirstEvents(result.events, {
        elapsedSeconds: () => reply.elapsedTime / 1000,
        firstByte: timing.firstByte,
        ...(request.modalities?.includes('audio') ? { firstAudio: timing.firstAudio } : {}),
      });
      end = await writeSse(reply, events, {
        headers,
        abort,
        keepAliveMs: this.keepAliveMs,
        maxSilenceMs: this.maxSilenceMs,
        beforeDone: async () => {
          lease.stop();
          await settle('completed');
        },
      });
    } finally {
      lease.stop();
    }
    if (end !== 'completed') await settle(end);
    this.accessLog.completion(httpRequest, reply, result.route, {
      usage: summary.usage,
      end,
      error: end === 'interrupted' ? interruptionOf(signal) : summary.error,
      durationMs: performance.now() - started,
    });
    span.set(completionEndAttributes(STREAM_STATUS[end], result.route, summary.usage, result.tools.runs.length));
    if (end === 'upstream_error') span.fail(summary.error);
    if (end === 'interrupted') span.fail(interruptionOf(signal));
    return undefined;
  }
}

/** The error the gateway ended a stream with (the request signal's reason). */
function interruptionOf(signal: AbortSignal): OpenAIError | null {
  return signal.reason instanceof GatewayError ? signal.reason.toOpenAIError() : null;
}
