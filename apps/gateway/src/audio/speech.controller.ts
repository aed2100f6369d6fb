import { Body, Controller, HttpCode, Inject, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { GatewayConfig } from '@voxgate/config';
import { AUDIO_TOKENS_PER_SECOND_OUT, textTokensOf } from '@voxgate/conversation';
import { NO_TOKENS, type TokenBreakdown } from '@voxgate/metering';
import { type CreateSpeechRequest, CreateSpeechRequestSchema, type SpeechUsage } from '@voxgate/openai-wire';
import type { Principal } from '@voxgate/tenancy';
import {
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_OUTCOME,
  ATTR_PROVIDER,
  ATTR_REQUEST_ID,
  ATTR_STREAM,
  ATTR_TENANT_ID,
  SPAN_AUDIO_SPEECH,
  traceServerRequest,
} from '@voxgate/telemetry';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { MeteredChat } from '../chat/metered-chat';
import { requestAbort } from '../http/client-abort';
import { ZodBody } from '../http/zod-body.pipe';
import { GracefulShutdown } from '../infra/graceful-shutdown';
import { JsonLogger } from '../infra/json-logger';
import { GATEWAY_CONFIG } from '../infra/tokens';
import { AUDIO_END_STATUS, type AudioStreamEnd, firstOf, writeBinary, writeEvents } from './audio-response.writer';
import { MeteredAudio } from './metered-audio';
import { SpeechSynthesis } from './speech-synthesis';

/** Spoken characters per second, for the audio-seconds estimate reserved at admission. */
const CHARACTERS_PER_SECOND = 15;

const STATUS = AUDIO_END_STATUS;

/**
 * `POST /v1/audio/speech`: JSON in; the audio file's bytes out as they are produced (`stream_format:
 * audio`, the default), or `speech.audio.delta` events then `speech.audio.done` with usage (`sse`).
 * Admitted and metered like chat completions.
 */
@Controller('v1/audio/speech')
@UseGuards(ApiKeyGuard)
export class SpeechController {
  constructor(
    private readonly synthesis: SpeechSynthesis,
    private readonly metered: MeteredAudio,
    private readonly shutdown: GracefulShutdown,
    private readonly logger: JsonLogger,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  @Post()
  @HttpCode(200)
  create(
    @Body(new ZodBody(CreateSpeechRequestSchema)) request: CreateSpeechRequest,
    @CurrentPrincipal() principal: Principal,
    @Req() httpRequest: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<undefined> {
    const sse = request.stream_format === 'sse';
    const abort = requestAbort(reply);
    const done = this.shutdown.track(abort);
    const attributes = {
      [ATTR_TENANT_ID]: principal.tenantId,
      [ATTR_REQUEST_ID]: httpRequest.id,
      [ATTR_GEN_AI_OPERATION_NAME]: 'text_to_speech',
      [ATTR_GEN_AI_REQUEST_MODEL]: request.model,
      [ATTR_STREAM]: sse,
    };
    return traceServerRequest(SPAN_AUDIO_SPEECH, httpRequest.headers, attributes, async (span) => {
      try {
        const started = performance.now();
        const model = this.synthesis.resolve(request.model);
        const characters = [...request.input].length;
        const estimate = {
          tokens: {
            ...NO_TOKENS,
            inputText: textTokensOf(characters),
            outputAudio: Math.ceil((characters / CHARACTERS_PER_SECOND) * AUDIO_TOKENS_PER_SECOND_OUT),
          },
          inputCharacters: characters,
          audioInMs: 0,
          audioOutMs: Math.round((characters / CHARACTERS_PER_SECOND / (request.speed ?? 1)) * 1000),
        };
        const admission = await this.metered.admit(principal, model, estimate, httpRequest.id, sse);
        const lease = this.metered.keepLease(admission);
        let end: AudioStreamEnd = 'upstream_error';
        let provider: string | undefined;
        let usage: SpeechUsage | null = null;
        let outputSeconds: number | null = null;
        try {
          const synthesis = await this.synthesis.start(request, httpRequest.id, abort.signal);
          provider = synthesis.route.provider;
          const headers = {
            ...admission.reservation.headers,
            'x-voxgate-model': model.snapshot,
            'x-voxgate-provider': synthesis.route.provider,
            ...(synthesis.upstreamRequestId ? { 'x-voxgate-upstream-request-id': synthesis.upstreamRequestId } : {}),
            'x-voxgate-audio-speed': String(request.speed ?? 1),
          };
          const { first, rest } = await firstOf(synthesis.chunks);
          const maxSilenceMs = this.config.server.sseMaxSilenceMs;
          // The stream's slot is free, on every replica, before the client sees its end.
          const beforeEnd = () => lease.release();
          const written = sse
            ? await writeEvents(
                reply,
                first,
                rest,
                (chunk) => ({ type: 'speech.audio.delta', audio: Buffer.from(chunk).toString('base64') }),
                () => [
                  { type: 'speech.audio.done', usage: synthesis.summary.usage ?? estimatedUsage(estimate.tokens) },
                ],
                { headers, signal: abort.signal, maxSilenceMs, beforeEnd },
              )
            : await writeBinary(reply, first, rest, synthesis.mimeType, {
                headers,
                signal: abort.signal,
                maxSilenceMs,
                beforeEnd,
              });
          end = written.end;
          usage = synthesis.summary.usage;
          // Passed-through audio is measured only now, so the client never waits for it.
          outputSeconds =
            synthesis.summary.outputSeconds ?? (end === 'completed' ? await synthesis.summary.measure() : null);
          span.set({ [ATTR_OUTCOME]: STATUS[end], [ATTR_PROVIDER]: synthesis.route.provider });
          if (written.error) span.fail(written.error);
        } catch (error) {
          this.metered.finish(admission, {
            status: MeteredChat.statusOf(error),
            ...(provider ? { provider } : {}),
            tokens: null,
            audioInMs: 0,
            audioOutMs: 0,
          });
          // A stream refused before its first byte frees its slot before the client sees the error.
          await lease.release();
          throw error;
        } finally {
          lease.stop();
        }
        this.metered.finish(admission, {
          status: STATUS[end],
          ...(provider ? { provider } : {}),
          tokens: usage ? tokensOf(usage) : admission.pricing.inputCharacters ? NO_TOKENS : null,
          audioInMs: 0,
          audioOutMs: (outputSeconds ?? 0) * 1000,
        });
        this.logger.event('info', 'audio.speech', {
          requestId: httpRequest.id,
          tenantId: principal.tenantId,
          keyId: principal.keyId,
          model: model.snapshot,
          provider,
          end,
          usage,
          durationMs: Math.round((performance.now() - started) * 100) / 100,
        });
        return undefined;
      } catch (error) {
        span.set({ [ATTR_OUTCOME]: MeteredChat.statusOf(error) });
        throw error;
      } finally {
        done();
      }
    });
  }
}

/** Speech usage by modality: text in, audio out (as OpenAI bills gpt-4o-mini-tts). */
function tokensOf(usage: SpeechUsage): TokenBreakdown {
  return { ...NO_TOKENS, inputText: usage.input_tokens, outputAudio: usage.output_tokens };
}

/** What `speech.audio.done` reports when the provider reported nothing (tts-1 models, local engines). */
function estimatedUsage(tokens: TokenBreakdown): SpeechUsage {
  return {
    input_tokens: tokens.inputText,
    output_tokens: tokens.outputAudio,
    total_tokens: tokens.inputText + tokens.outputAudio,
  };
}
