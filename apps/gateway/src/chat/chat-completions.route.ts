import { Inject, Injectable } from '@nestjs/common';
import type { GatewayConfig } from '@voxgate/config';
import { type ChatCompletionRequest, parseChatCompletionRequest } from '@voxgate/openai-wire';
import type { Principal } from '@voxgate/tenancy';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiKeyGuard, type RouteRules } from '../auth/api-key.guard';
import { requestAbort } from '../http/client-abort';
import { EventLoopLoad } from '../http/event-loop-load';
import type { OpenAIExceptionFilter } from '../http/openai-exception.filter';
import { AccessLog } from '../infra/access-log';
import { GATEWAY_CONFIG } from '../infra/tokens';
import { headerOf, idempotencyKeyOf } from './completion-http';
import { CompletionPipeline } from './completion-pipeline';
import { writeSse } from './sse-writer';

/** A client key, or a client secret (`ek_…`) for its own model (the browser door, ADR 0015). */
const RULES: RouteRules = { required: 'client', allowsClientSecret: true };

/**
 * `POST /v1/chat/completions`: JSON in, JSON or SSE out, exactly as OpenAI's. The HTTP door of the
 * completion pipeline (`CompletionPipeline`, which admits, runs, meters and stores): this class only
 * authenticates, validates the body, reads the headers, and writes the answer (JSON, or SSE with
 * keep-alives and the silence bound).
 *
 * The hot route, so it is registered on Fastify directly (`register`) rather than as a Nest controller:
 * the same checks in the same order as Nest's guard and pipe would run them (`ApiKeyGuard.authorize`,
 * then the body's schema), every error through the same `OpenAIExceptionFilter`, without Nest's
 * per-request execution context, guard, pipe and parameter layers (5–9 % of the route's CPU,
 * docs/performance.md).
 */
@Injectable()
export class ChatCompletionsRoute {
  constructor(
    private readonly pipeline: CompletionPipeline,
    private readonly accessLog: AccessLog,
    private readonly guard: ApiKeyGuard,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
  ) {
    this.keepAliveMs = config.server.sseKeepAliveMs;
    this.maxSilenceMs = config.server.sseMaxSilenceMs;
  }

  private readonly keepAliveMs: number;
  private readonly maxSilenceMs: number;
  /** A stream's first events leave at once while the process has CPU to spare. */
  private readonly load = new EventLoopLoad();

  /**
   * Registers the route; `errors` answers every failure, before the handler (an unparsable or oversized
   * body, through the route's error handler) or in it.
   */
  register(fastify: FastifyInstance, errors: OpenAIExceptionFilter): void {
    fastify.post('/v1/chat/completions', {
      errorHandler: (error, request, reply) => errors.send(error, request, reply),
      // Not async: Fastify waits for the reply, which `handle` always sends (or hijacks, for a stream).
      handler: (request, reply) => {
        this.handle(request, reply).catch((error: unknown) => errors.send(error, request, reply));
      },
    });
  }

  private async handle(httpRequest: FastifyRequest, reply: FastifyReply): Promise<void> {
    const principal = await this.guard.authorize(httpRequest, RULES);
    const request = parseChatCompletionRequest(httpRequest.body);
    await this.create(request, principal, httpRequest, reply);
  }

  /** Runs the pipeline and sends the JSON answer; a streamed answer was written on the hijacked reply. */
  private async create(
    request: ChatCompletionRequest,
    principal: Principal,
    httpRequest: FastifyRequest,
    reply: FastifyReply,
  ): Promise<void> {
    const abort = requestAbort(reply);
    let admittedHeaders: Record<string, string> = {};
    // The access line is built and queued once the answer is written (about 20 µs off a JSON answer's path),
    // and before the response's `finish`, where the `onResponse` hook would write an `http.request` line
    // for a request without one.
    let line: (() => void) | undefined;
    try {
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
          stream: (events, { headers, beforeEnd }) =>
            writeSse(reply, events, {
              headers: Object.assign(admittedHeaders, headers),
              abort,
              keepAliveMs: this.keepAliveMs,
              maxSilenceMs: this.maxSilenceMs,
              beforeEnd,
              firstEventsAtOnce: this.load.spare(),
            }),
          elapsedSeconds: () => reply.elapsedTime / 1000,
          log: (route, entry) => {
            line = () => this.accessLog.completion(httpRequest, reply, route, entry);
          },
        },
      );
      // `send` writes the answer before it returns; awaiting the reply would wait for its `finish`.
      if (answer !== undefined) void reply.send(answer);
    } finally {
      line?.();
    }
  }
}
