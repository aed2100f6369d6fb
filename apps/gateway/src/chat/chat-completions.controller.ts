import { Body, Controller, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import { CreateChatCompletion, type CompletionRoute } from '@voxgate/conversation';
import { type ChatCompletionRequest, ChatCompletionRequestSchema, type ChatCompletionResponse } from '@voxgate/openai-wire';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { clientAbortSignal } from '../http/client-abort';
import { ZodBody } from '../http/zod-body.pipe';
import { AccessLog } from '../infra/access-log';
import { writeSse } from './sse-writer';

/** `POST /v1/chat/completions`: JSON in, JSON or SSE out, exactly as OpenAI's. */
@Controller('v1/chat/completions')
@UseGuards(ApiKeyGuard)
export class ChatCompletionsController {
  constructor(
    private readonly createChatCompletion: CreateChatCompletion,
    private readonly accessLog: AccessLog,
  ) {}

  @Post()
  @HttpCode(200)
  async create(
    @Body(new ZodBody(ChatCompletionRequestSchema)) request: ChatCompletionRequest,
    @Req() httpRequest: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ChatCompletionResponse | undefined> {
    const signal = clientAbortSignal(reply);
    const result = await this.createChatCompletion.execute({ request, requestId: httpRequest.id, signal });
    const headers = routeHeaders(result.route);
    if (result.kind === 'json') {
      void reply.headers(headers);
      this.accessLog.completion(httpRequest, result.route, { usage: result.usage, end: 'completed' });
      return result.body;
    }
    const end = await writeSse(reply, result.events, headers, signal);
    this.accessLog.completion(httpRequest, result.route, { usage: result.summary.usage, end, error: result.summary.error });
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
