import { Controller, HttpCode, Inject, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { GatewayConfig } from '@voxgate/config';
import { NO_TOKENS, type UsageStatus } from '@voxgate/metering';
import type { TranscriptBody, TranscriptStreamEvent, TranscriptTask, TranscriptUsage } from '@voxgate/openai-wire';
import type { Principal } from '@voxgate/tenancy';
import {
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_OUTCOME,
  ATTR_PROVIDER,
  ATTR_REQUEST_ID,
  ATTR_STREAM,
  ATTR_TENANT_ID,
  type CompletionSpan,
  SPAN_AUDIO_TRANSCRIPTION,
  traceServerRequest,
} from '@voxgate/telemetry';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { MeteredChat } from '../chat/metered-chat';
import type { RequestAbort } from '@voxgate/providers';
import { requestAbort } from '../http/client-abort';
import { GracefulShutdown } from '../infra/graceful-shutdown';
import { JsonLogger } from '../infra/json-logger';
import { GATEWAY_CONFIG } from '../infra/tokens';
import { AUDIO_END_STATUS, firstOf, writeEvents } from './audio-response.writer';
import { MeteredAudio } from './metered-audio';
import { Transcription } from './transcription';
import { readTranscriptionForm } from './transcription-form';
import { transcriptionEstimate, transcriptTokensOf as tokensOf } from './transcription-metering';

const STATUS = AUDIO_END_STATUS;

/**
 * `POST /v1/audio/transcriptions` and `POST /v1/audio/translations`: multipart in (any audio Voxgate
 * decodes); `json`/`verbose_json` as JSON, `text`/`srt`/`vtt` as `text/plain`, or with `stream=true`
 * `transcript.text.delta` … `transcript.text.done` events. Admitted and metered like chat completions
 * (audio seconds in, tokens or minutes as the model is priced).
 */
abstract class AudioTextController {
  constructor(
    private readonly transcription: Transcription,
    private readonly metered: MeteredAudio,
    private readonly shutdown: GracefulShutdown,
    private readonly logger: JsonLogger,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  protected abstract readonly task: TranscriptTask;

  @Post()
  @HttpCode(200)
  create(
    @CurrentPrincipal() principal: Principal,
    @Req() httpRequest: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TranscriptBody | string | undefined> {
    const abort = requestAbort(reply);
    const done = this.shutdown.track(abort);
    const attributes = {
      [ATTR_TENANT_ID]: principal.tenantId,
      [ATTR_REQUEST_ID]: httpRequest.id,
      [ATTR_GEN_AI_OPERATION_NAME]: this.task === 'translate' ? 'translation' : 'transcription',
    };
    return traceServerRequest(SPAN_AUDIO_TRANSCRIPTION, httpRequest.headers, attributes, async (span) => {
      try {
        return await this.respond(principal, httpRequest, reply, span, abort);
      } catch (error) {
        span.set({ [ATTR_OUTCOME]: MeteredChat.statusOf(error) });
        throw error;
      } finally {
        done();
      }
    });
  }

  private async respond(
    principal: Principal,
    httpRequest: FastifyRequest,
    reply: FastifyReply,
    span: CompletionSpan,
    abort: RequestAbort,
  ): Promise<TranscriptBody | string | undefined> {
    const started = performance.now();
    const form = await readTranscriptionForm(httpRequest, this.task, this.config.server.bodyLimitBytes);
    span.set({ [ATTR_GEN_AI_REQUEST_MODEL]: form.model, [ATTR_STREAM]: form.stream });
    const model = this.transcription.resolve(form.model, this.task);
    const audio = await this.transcription.check(form.file.bytes, form.file.filename);
    const audioInMs = audio.seconds * 1000;
    const estimate = transcriptionEstimate(audio.seconds, form.prompt);
    const admission = await this.metered.admit(principal, model, estimate, httpRequest.id, form.stream);
    const lease = this.metered.keepLease(admission);
    // `usage` undefined: the provider answered nothing (estimate billed); null: an answer without usage.
    const finish = (status: UsageStatus, provider: string | undefined, usage: TranscriptUsage | null | undefined) =>
      this.metered.finish(admission, {
        status,
        ...(provider ? { provider } : {}),
        tokens: usage ? tokensOf(usage) : usage === null && admission.pricing.audioInputPerMinute ? NO_TOKENS : null,
        audioInMs,
        audioOutMs: 0,
      });
    try {
      const { outcome, route } = await this.transcription
        .start(model, form, audio, httpRequest.id, abort.signal)
        .catch(async (error: unknown) => {
          finish(MeteredChat.statusOf(error), undefined, undefined);
          // A stream refused before its first byte frees its slot before the client sees the error.
          await lease.release();
          throw error;
        });
      span.set({ [ATTR_PROVIDER]: route.provider });
      const headers = {
        ...admission.reservation.headers,
        'x-voxgate-model': model.snapshot,
        'x-voxgate-provider': route.provider,
        ...(outcome.upstreamRequestId ? { 'x-voxgate-upstream-request-id': outcome.upstreamRequestId } : {}),
      };
      const log = (end: string, usage: TranscriptUsage | null) =>
        this.logger.event('info', this.task === 'translate' ? 'audio.translation' : 'audio.transcription', {
          requestId: httpRequest.id,
          tenantId: principal.tenantId,
          keyId: principal.keyId,
          model: model.snapshot,
          provider: route.provider,
          end,
          usage,
          audioSeconds: Math.round(audio.seconds * 100) / 100,
          durationMs: Math.round((performance.now() - started) * 100) / 100,
        });

      if (outcome.kind === 'text' || (outcome.kind === 'json' && !form.stream)) {
        const usage = outcome.kind === 'json' ? (outcome.body.usage ?? null) : null;
        finish('completed', route.provider, usage);
        // A stream asked for and answered whole (text formats) holds a slot too: free before answering.
        await lease.release();
        span.set({ [ATTR_OUTCOME]: 'completed' });
        log('completed', usage);
        void reply.headers(headers);
        if (outcome.kind === 'text') {
          void reply.header('content-type', 'text/plain; charset=utf-8');
          return outcome.text;
        }
        return outcome.body;
      }

      // A stream, or a provider that answered a streaming request with JSON (whisper-1 ignores `stream`).
      const events: AsyncIterable<TranscriptStreamEvent> =
        outcome.kind === 'events' ? outcome.events : asEvents(outcome.body);
      let usage: TranscriptUsage | null = null;
      const { first, rest } = await firstOf(events).catch(async (error: unknown) => {
        finish('upstream_error', route.provider, undefined);
        await lease.release();
        throw error;
      });
      const written = await writeEvents(
        reply,
        first,
        rest,
        (event) => {
          if (event.type === 'transcript.text.done') usage = event.usage ?? null;
          return event;
        },
        () => [],
        {
          headers,
          signal: abort.signal,
          maxSilenceMs: this.config.server.sseMaxSilenceMs,
          // The stream's slot is free, on every replica, before the client sees its end.
          beforeEnd: () => lease.release(),
        },
      );
      if (written.error) span.fail(written.error);
      span.set({ [ATTR_OUTCOME]: STATUS[written.end] });
      finish(STATUS[written.end], route.provider, usage);
      log(written.end, usage);
      return undefined;
    } finally {
      lease.stop();
    }
  }
}

@Controller('v1/audio/transcriptions')
@UseGuards(ApiKeyGuard)
export class TranscriptionsController extends AudioTextController {
  protected readonly task = 'transcribe';
}

@Controller('v1/audio/translations')
@UseGuards(ApiKeyGuard)
export class TranslationsController extends AudioTextController {
  protected readonly task = 'translate';
}

/** A JSON transcript as the two events a stream would have carried. */
async function* asEvents(body: TranscriptBody): AsyncGenerator<TranscriptStreamEvent> {
  yield await Promise.resolve({ type: 'transcript.text.delta' as const, delta: body.text });
  yield { type: 'transcript.text.done' as const, text: body.text, ...(body.usage ? { usage: body.usage } : {}) };
}
