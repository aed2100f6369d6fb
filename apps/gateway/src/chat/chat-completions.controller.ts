import { Body, Controller, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import { type CompletionRoute, CreateChatCompletion } from '@voxgate/conversation';
import {
  type ChatCompletionRequest,
  ChatCompletionRequestSchema,
  type ChatCompletionResponse,
} from '@voxgate/openai-wire';
import type { Principal } from '@voxgate/tenancy';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { clientAbortSignal } from '../http/client-abort';
import { ZodBody } from '../http/zod-body.pipe';
import { AccessLog } from '../infra/access-log';
import { MeteredChat } from './metered-chat';
import { type StreamEnd, writeSse } from './sse-writer';

const STREAM_STATUS = {
  completed: 'completed',
  upstream_error: 'upstream_error',
  client_disconnected: 'cancelled',
} as const satisfies Record<StreamEnd, string>;

/** `POST /v1/chat/completions`: JSON in, JSON or SSE out, exactly as OpenAI's; admitted and metered. */
@Controller('v1/chat/completions')
@UseGuards(ApiKeyGuard)
export class ChatCompletionsController {
  constructor(
    private readonly createChatCompletion: CreateChatCompletion,
    private readonly metered: MeteredChat,
    private readonly accessLog: AccessLog,
  ) {}

  @Post()
  @HttpCode(200)
  async create(
    @Body(new ZodBody(ChatCompletionRequestSchema)) request: ChatCompletionRequest,
    @CurrentPrincipal() principal: Principal,
    @Req() httpRequest: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ChatCompletionResponse | undefined> {
    const admission = await this.metered.admit(principal, request, httpRequest.id);
    void reply.headers(admission.reservation.headers);
    const signal = clientAbortSignal(reply);

    let result;
    try {
      result = await this.createChatCompletion.execute({ request, requestId: httpRequest.id, signal });
    } catch (error) {
      await this.metered.finish(admission, { status: MeteredChat.statusOf(error), usage: null });
      throw error;
    }

    const headers = { ...admission.reservation.headers, ...routeHeaders(result.route) };
    if (result.kind === 'json') {
      void reply.headers(headers);
      await this.metered.finish(admission, {
        status: 'completed',
        provider: result.route.provider,
        usage: result.usage,
        audioOutMs: MeteredChat.audioOutMs(result.body, request.audio?.format),
      });
      this.accessLog.completion(httpRequest, result.route, { usage: result.usage, end: 'completed' });
      return result.body;
    }

    const lease = this.metered.keepLease(admission);
    let end: StreamEnd;
    try {
      end = await writeSse(reply, result.events, headers, signal);
    } finally {
      lease.stop();
    }
    const { summary } = result;
    await this.metered.finish(admission, {
      status: STREAM_STATUS[end],
      provider: result.route.provider,
      usage: summary.usage,
      generated: summary.generated,
    });
    this.accessLog.completion(httpRequest, result.route, { usage: summary.usage, end, error: summary.error });
    return undefined;
  }
}

function routeHeaders(route: CompletionRoute): Record<string, string> {
  return {
    'x-voxgate-model': route.model,
    'x-voxgate-provider': route.provider,
    ...(route.upstreamRequestId ? { 'x-voxgate-upstream-request-id': route.upstreamRequestId } : {}),
  };
}
