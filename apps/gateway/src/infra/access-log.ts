import { Injectable } from '@nestjs/common';
import type { CompletionRoute } from '@voxgate/conversation';
import type { OpenAIError, Usage } from '@voxgate/openai-wire';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { clientRequestIdOf } from '../http/request-id';
import { pathOf } from '../http/request-path';
import { JsonLogger } from './json-logger';

/** Requests whose `chat.completion` line was written: the `onResponse` hook writes no `http.request` for them. */
const logged = new WeakSet<FastifyRequest>();

/**
 * One structured line per request. A finished chat completion gets one `chat.completion` line: the fields
 * of `http.request` (request id, client correlation id, method, path, status, ms) plus who, which model
 * and provider, how it ended, and the upstream usage (the metering lib turns the same facts into billable
 * events); every other request gets the `http.request` line of `request()`. No bodies, no headers.
 */
@Injectable()
export class AccessLog {
  constructor(private readonly logger: JsonLogger) {}

  completion(
    request: FastifyRequest,
    reply: FastifyReply,
    route: CompletionRoute,
    /** `durationMs`: from the validated body to the last byte (stream) or the response object (JSON). */
    outcome: { usage: Usage | null; end: string; error?: OpenAIError | null; durationMs?: number },
  ): void {
    logged.add(request);
    // `http.request`'s fields, then these assigned onto the same object (absent ones `undefined`, which
    // JSON leaves out): the line is written per request, and spreads cost V8 more than assignments.
    const fields = httpFields(request, reply);
    fields.tenantId = request.principal?.tenantId;
    fields.keyId = request.principal?.keyId;
    fields.model = route.model;
    fields.provider = route.provider;
    fields.upstreamRequestId = route.upstreamRequestId;
    fields.end = outcome.end;
    fields.error = outcome.error ? { type: outcome.error.type, code: outcome.error.code } : undefined;
    fields.usage = outcome.usage;
    fields.durationMs = outcome.durationMs !== undefined ? Math.round(outcome.durationMs * 100) / 100 : undefined;
    this.logger.event('info', 'chat.completion', fields);
  }

  /** The `http.request` line, unless the request already had its `chat.completion` line. */
  request(request: FastifyRequest, reply: FastifyReply): void {
    if (logged.has(request)) return;
    this.logger.event('info', 'http.request', httpFields(request, reply));
  }
}

function httpFields(request: FastifyRequest, reply: FastifyReply): Record<string, unknown> {
  return {
    requestId: request.id,
    clientRequestId: clientRequestIdOf(request.headers),
    method: request.method,
    path: pathOf(request.url),
    status: reply.statusCode,
    ms: Math.round(reply.elapsedTime),
  };
}
