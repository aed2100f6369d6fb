import { Body, Controller, HttpCode, Inject, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { GatewayConfig } from '@voxgate/config';
import { type ChatCompletionRequest, ChatCompletionRequestSchema } from '@voxgate/openai-wire';
import type { Principal } from '@voxgate/tenancy';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AllowClientSecret } from '../auth/allow-client-secret.decorator';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { requestAbortController } from '../http/client-abort';
import { ZodBody } from '../http/zod-body.pipe';
import { AccessLog } from '../infra/access-log';
import { GATEWAY_CONFIG } from '../infra/tokens';
import { headerOf, idempotencyKeyOf } from './completion-http';
import { CompletionPipeline } from './completion-pipeline';
import { writeSse } from './sse-writer';

/**
 * `POST /v1/chat/completions`: JSON in, JSON or SSE out, exactly as OpenAI's. The HTTP door of the
 * completion pipeline (`CompletionPipeline`, which admits, runs, meters and stores): this class only
 * validates the body, reads the headers, and writes the answer (JSON, or SSE with keep-alives and the
 * silence bound).
 */
@Controller('v1/chat/completions')
@UseGuards(ApiKeyGuard)
@AllowClientSecret()
export class ChatCompletionsController {
  constructor(
    private readonly pipeline: CompletionPipeline,
    private readonly accessLog: AccessLog,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
  ) {
    this.keepAliveMs = config.server.sseKeepAliveMs;
    this.maxSilenceMs = config.server.sseMaxSilenceMs;
  }

  private readonly keepAliveMs: number;
  private readonly maxSilenceMs: number;

  /**
   * Sends the JSON answer itself (`@Res()` without passthrough): a streamed answer has already been written
   * on the hijacked reply, and Nest sending the handler's `undefined` on it anyway would build (and drop) a
   * Fastify "reply already sent" error per stream.
   */
  @Post()
  @HttpCode(200)
  async create(
    @Body(new ZodBody(ChatCompletionRequestSchema)) request: ChatCompletionRequest,
    @CurrentPrincipal() principal: Principal,
    @Req() httpRequest: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const abort = requestAbortController(reply);
    let admittedHeaders: Record<string, string> = {};
    const answer = await this.pipeline.execute(
      {
        principal,
        request,
        requestId: httpRequest.id,
        sessionId: httpRequest.headers['x-session-id'],
        idempotencyKey: idempotencyKeyOf(httpRequest),
        confirmationToken: headerOf(httpRequest, 'x-voxgate-confirmation'),
        abort,
        traceHeaders: httpRequest.headers,
      },
      {
        admitted: (headers) => {
          admittedHeaders = headers;
          void reply.headers(headers);
        },
        json: (headers) => void reply.headers(headers),
        // The stream's head is written on the raw response: it takes the admission's headers too.
        stream: (events, { headers, beforeDone }) =>
          writeSse(reply, events, {
            headers: Object.assign(admittedHeaders, headers),
            abort,
            keepAliveMs: this.keepAliveMs,
            maxSilenceMs: this.maxSilenceMs,
            beforeDone,
          }),
        elapsedSeconds: () => reply.elapsedTime / 1000,
        log: (route, entry) => this.accessLog.completion(httpRequest, reply, route, entry),
      },
    );
    if (answer !== undefined) await reply.send(answer);
  }
}
