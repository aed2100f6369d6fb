import type { JsonObject, ToolContext, ToolModule, ToolOutcome } from '../tool-module';
import type { ToolsSettings } from '../tools-runtime';

/** Config for tests: loopback explicitly allow-listed, short timeouts. */
export function testSettings(overrides: Partial<ToolsSettings> = {}): ToolsSettings {
  return {
    ssrfAllowList: ['127.0.0.0/8', '::1/128'],
    confirmationSecret: 'test-secret-0123456789',
    confirmationTtlMs: 300_000,
    defaultTimeoutMs: 5_000,
    maxTimeoutMs: 60_000,
    mcpToolsCacheMs: 60_000,
    toolsetCacheMs: 0,
    ledgerTtlMs: 3_600_000,
    maxResponseBytes: 64 * 1024,
    loop: { maxRounds: 8, maxWallMs: 60_000, maxTokens: 200_000 },
    ...overrides,
  };
}

/** A `ToolContext` for calling an operation or tool directly. */
export function toolContext(overrides: Partial<ToolContext> = {}): ToolContext {
  return {
    tenantId: 'ten_a',
    sessionId: null,
    requestId: 'req_1',
    idempotencyKey: 'idem_1',
    signal: new AbortController().signal,
    confirmationToken: null,
    ...overrides,
  };
}

/** A tool whose behaviour the test scripts, counting its executions. */
export function scriptedTool(
  run: (input: JsonObject, ctx: ToolContext) => ToolOutcome | Promise<ToolOutcome>,
  overrides: Partial<Omit<ToolModule, 'execute'>> = {},
): ToolModule & { readonly executions: JsonObject[] } {
  const executions: JsonObject[] = [];
  return {
    name: 'do_thing',
    description: 'Does a thing.',
    parameters: {
      type: 'object',
      properties: { item: { type: 'string' }, quantity: { type: 'integer', minimum: 1 } },
      required: ['item'],
      additionalProperties: false,
    },
    effect: 'side_effect',
    timeoutMs: 2_000,
    ...overrides,
    executions,
    execute: async (input, ctx) => {
      executions.push(input);
      return await run(input, ctx);
    },
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
