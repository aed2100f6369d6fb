import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { GatewayConfig } from '@voxgate/config';
import type { ServerToolRun, ServerTools } from '@voxgate/conversation';
import { ToolMetrics } from '@voxgate/telemetry';
import { invalidationChannel, InvalidationSubscriber } from '@voxgate/tenancy';
import { ALL_TENANTS, createToolsRuntime, type ToolsRuntime } from '@voxgate/tools';
import type { Redis } from 'ioredis';
import { JsonLogger } from '../infra/json-logger';
import { GATEWAY_CONFIG, REDIS } from '../infra/tokens';
import { recordToolRuns } from './tool-run-telemetry';

/** Who a tool call runs for, from the HTTP request. */
export interface ToolCallOrigin {
  readonly tenantId: string;
  readonly sessionId: string | null;
  /** The client's `Idempotency-Key` when sent, else the request id: retries replay side effects by it. */
  readonly requestId: string;
  /** `X-Voxgate-Confirmation`: a token the client app got back from a charge that needed confirming. */
  readonly confirmationToken: string | null;
  /** The request's abort; its WHATWG `signal` is only asked for when a tool runs (see `CallAbort`). */
  readonly abort: { readonly signal: AbortSignal };
}

/** The tool library, wired once per process, and the per-request view the completion loop uses. */
@Injectable()
export class GatewayTools implements OnApplicationShutdown {
  readonly runtime: ToolsRuntime;
  /** Registry changes of every replica, forwarded to this process's toolset cache (when it has one). */
  private readonly changes: InvalidationSubscriber | null = null;

  constructor(
    @Inject(REDIS) redis: Redis,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    logger: JsonLogger,
    private readonly metrics: ToolMetrics,
  ) {
    let changes: InvalidationSubscriber | null = null;
    const channel = invalidationChannel(config.redis.keyPrefix, 'tools-changed');
    this.runtime = createToolsRuntime({
      redis,
      settings: config.tools,
      onWarning: (message) => logger.event('warn', 'tools', { message }),
      toolChanges: { channel, live: () => changes?.live() ?? false },
    });
    const cache = this.runtime.toolsetCache;
    if (cache) {
      changes = new InvalidationSubscriber(redis, channel, {
        onMessage: (tenantId) => (tenantId === ALL_TENANTS ? cache.clear() : cache.evict(tenantId)),
        onResubscribed: () => cache.clear(),
      });
      this.changes = changes;
    }
  }

  /** The tenant's enabled tools as the loop's `ServerTools`, or undefined when it has none. */
  async forRequest(origin: ToolCallOrigin): Promise<ServerTools | undefined> {
    const toolset = await this.runtime.resolveTenantTools.execute(origin.tenantId);
    const definitions = toolset.toOpenAITools();
    if (definitions.length === 0) return undefined;
    return {
      definitions,
      has: (name) => toolset.has(name),
      execute: async (calls) => {
        const startedAt = Date.now();
        const executed = await this.runtime.executor.executeAll(toolset, calls, {
          tenantId: origin.tenantId,
          sessionId: origin.sessionId,
          requestId: origin.requestId,
          confirmationToken: origin.confirmationToken,
          clientSignal: origin.abort.signal,
        });
        recordToolRuns(toolset, executed, startedAt, this.metrics);
        return executed.map((run): ServerToolRun => ({
          toolCallId: run.toolCallId,
          name: run.name,
          content: run.content,
          status: run.outcome.status,
          replayed: run.replayed,
          ...(run.outcome.status === 'confirmation_required'
            ? {
                confirmation: {
                  token: run.outcome.token,
                  expiresAt: run.outcome.expiresAt,
                  summary: run.outcome.summary,
                },
              }
            : {}),
        }));
      },
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.changes?.close();
    await this.runtime.close();
  }
}
