import { Injectable } from '@nestjs/common';
import type { CompletionRoute } from '@voxgate/conversation';
import type { OpenAIError, Usage } from '@voxgate/openai-wire';
import type { FastifyRequest } from 'fastify';
import { JsonLogger } from './json-logger';

/**
 * One structured line per finished completion: who, which model and provider, how it ended, and the
 * upstream usage (the metering lib turns the same facts into billable events). No bodies, no headers.
 */
@Injectable()
export class AccessLog {
  constructor(private readonly logger: JsonLogger) {}

  completion(
    request: FastifyRequest,
    route: CompletionRoute,
    /** `durationMs`: from the validated body to the last byte (stream) or the response object (JSON). */
    outcome: { usage: Usage | null; end: string; error?: OpenAIError | null; durationMs?: number },
  ): void {
    this.logger.event('info', 'chat.completion', {
      requestId: request.id,
      tenantId: request.principal?.tenantId,
      keyId: request.principal?.keyId,
      model: route.model,
      provider: route.provider,
      upstreamRequestId: route.upstreamRequestId,
      end: outcome.end,
      ...(outcome.error ? { error: { type: outcome.error.type, code: outcome.error.code } } : {}),
      usage: outcome.usage,
      ...(outcome.durationMs !== undefined ? { durationMs: Math.round(outcome.durationMs * 100) / 100 } : {}),
    });
  }
}
