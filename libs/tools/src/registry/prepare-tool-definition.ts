import { randomUUID } from 'node:crypto';
import { Errors } from '@voxgate/openai-wire';
import { type BuiltinCatalogue, builtinOperationOf } from '../builtin/builtin-catalogue';
import { describeError } from '../error-chain';
import { findSsrfRefusal, type SsrfGuard } from '../http/ssrf-guard';
import type { JsonSchemaDialects } from '../json-schema/json-schema';
import type { McpToolSource } from '../mcp/mcp-tool-source';
import { effectRank, type JsonObject } from '../tool-module';
import type { ToolDefinition, ToolDefinitionInput } from './tool-definition';

export interface ToolTimeoutLimits {
  readonly defaultTimeoutMs: number;
  readonly maxTimeoutMs: number;
}

/**
 * Turns what ops sent into a storable definition: applies the defaults and runs every check that needs
 * config or I/O, failing with the catalogue's 400s (invalid schema, refused URL, unreachable MCP server).
 */
export class ToolDefinitionPreparer {
  constructor(
    private readonly builtins: BuiltinCatalogue,
    private readonly dialects: JsonSchemaDialects,
    private readonly guard: SsrfGuard,
    private readonly mcp: McpToolSource,
    private readonly limits: ToolTimeoutLimits,
    private readonly now: () => number = Date.now,
  ) {}

  /** `previous`: the stored definition when updating (keeps creation time and generation). */
  async prepare(input: ToolDefinitionInput, previous: ToolDefinition | null): Promise<ToolDefinition> {
    const timeoutMs = input.timeout_ms ?? this.limits.defaultTimeoutMs;
    if (timeoutMs > this.limits.maxTimeoutMs) {
      throw Errors.invalidRequest(
        `timeout_ms must be at most ${this.limits.maxTimeoutMs} (tools.maxTimeoutMs).`,
        'timeout_ms',
      );
    }
    const common = {
      name: input.name,
      timeout_ms: timeoutMs,
      created_at: previous?.created_at ?? this.now(),
      updated_at: this.now(),
      generation: previous?.generation ?? randomUUID(),
    };
    const implementation = input.implementation;
    switch (implementation.type) {
      case 'builtin': {
        const operation = builtinOperationOf(this.builtins, implementation);
        const effect = input.effect ?? operation.effect;
        if (effectRank(effect) < effectRank(operation.effect)) {
          throw Errors.invalidRequest(
            `effect '${effect}' is weaker than the operation's own '${operation.effect}'; it may only be made stricter.`,
            'effect',
          );
        }
        const parameters = input.parameters === undefined ? operation.parameters : this.checkedSchema(input.parameters);
        return {
          ...common,
          description: input.description ?? operation.description,
          parameters,
          effect,
          implementation,
        };
      }
      case 'http':
        await this.checkUrl(implementation.url);
        return {
          ...common,
          description: input.description ?? '',
          parameters: this.checkedSchema(input.parameters ?? {}),
          effect: input.effect ?? 'side_effect',
          implementation,
        };
      case 'mcp':
        await this.checkUrl(implementation.url);
        await this.probe(implementation.url, implementation.headers, timeoutMs);
        return {
          ...common,
          description: input.description ?? '',
          parameters: null,
          effect: input.effect ?? 'side_effect',
          implementation,
        };
    }
  }

  private checkedSchema(schema: Record<string, unknown>): JsonObject {
    const check = this.dialects.checkParameters(schema);
    if (!check.ok) throw Errors.invalidToolSchema(check.message);
    return schema as JsonObject;
  }

  private async checkUrl(url: string): Promise<void> {
    try {
      await this.guard.check(new URL(url));
    } catch (error) {
      const refusal = findSsrfRefusal(error);
      if (refusal) throw Errors.toolUrlNotAllowed('implementation.url', refusal.message);
      throw error;
    }
  }

  /** Registration fails unless the server answers `initialize` and `tools/list` within the timeout. */
  private async probe(url: string, headers: Readonly<Record<string, string>>, timeoutMs: number): Promise<void> {
    try {
      await this.mcp.listTools({ url, headers }, timeoutMs, AbortSignal.timeout(timeoutMs));
    } catch (error) {
      const refusal = findSsrfRefusal(error);
      if (refusal) throw Errors.toolUrlNotAllowed('implementation.url', refusal.message);
      throw Errors.toolServerUnreachable(new URL(url).host, describeError(error));
    }
  }
}
