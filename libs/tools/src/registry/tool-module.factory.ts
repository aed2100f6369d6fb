import { type BuiltinCatalogue, builtinOperationOf } from '../builtin/builtin-catalogue';
import type { FetchLike } from '../http/guarded-fetch';
import { createHttpTool } from '../http/http-tool';
import type { JsonSchemaDialects } from '../json-schema/json-schema';
import { type McpToolSource, namespacedToolName } from '../mcp/mcp-tool-source';
import type { McpToolsCache } from '../mcp/mcp-tools.cache';
import type { ToolModule } from '../tool-module';
import type { ToolDefinition } from './tool-definition';

export interface ToolModuleFactoryDependencies {
  readonly builtins: BuiltinCatalogue;
  readonly fetch: FetchLike;
  readonly maxResponseBytes: number;
  readonly mcp: McpToolSource;
  readonly mcpCache: McpToolsCache;
  readonly dialects: JsonSchemaDialects;
  /** Told about tools left out (an MCP server down, an MCP tool with an unusable schema). Never secrets. */
  readonly onWarning?: (message: string) => void;
}

/** Turns a stored definition into the executable tools it stands for (an MCP server: one per listed tool). */
export class ToolModuleFactory {
  constructor(private readonly dependencies: ToolModuleFactoryDependencies) {}

  async create(tool: ToolDefinition): Promise<ToolModule[]> {
    const implementation = tool.implementation;
    switch (implementation.type) {
      case 'builtin': {
        const operation = builtinOperationOf(this.dependencies.builtins, implementation);
        return [
          {
            name: tool.name,
            description: tool.description,
            parameters: tool.parameters ?? operation.parameters,
            effect: tool.effect,
            timeoutMs: tool.timeout_ms,
            needsApproval: operation.needsApproval,
            execute: (input, ctx) => operation.execute(input, ctx),
          },
        ];
      }
      case 'http':
        return [
          createHttpTool(
            {
              name: tool.name,
              description: tool.description,
              parameters: tool.parameters ?? { type: 'object' },
              effect: tool.effect,
              timeoutMs: tool.timeout_ms,
              implementation,
            },
            { fetch: this.dependencies.fetch, maxResponseBytes: this.dependencies.maxResponseBytes },
          ),
        ];
      case 'mcp':
        return this.mcpTools(tool, { url: implementation.url, headers: implementation.headers });
    }
  }

  private async mcpTools(
    tool: ToolDefinition,
    server: { url: string; headers: Record<string, string> },
  ): Promise<ToolModule[]> {
    const { mcp, mcpCache, dialects, onWarning } = this.dependencies;
    let listed;
    try {
      listed = await mcpCache.list(`${tool.name}:${tool.generation}:${tool.updated_at}`, server, tool.timeout_ms);
    } catch {
      onWarning?.(`MCP tool server '${tool.name}' did not list its tools; its tools are left out of this request`);
      return [];
    }
    return listed.flatMap((remote): ToolModule[] => {
      const check = dialects.checkParameters(remote.inputSchema);
      if (!check.ok) {
        onWarning?.(`MCP tool '${tool.name}/${remote.name}' is left out: ${check.message}`);
        return [];
      }
      const description = [tool.description, remote.description].filter((text) => text !== '').join(' — ');
      return [
        {
          name: namespacedToolName(tool.name, remote.name),
          description,
          parameters: remote.inputSchema,
          effect: tool.effect,
          timeoutMs: tool.timeout_ms,
          execute: (input, ctx) => mcp.callTool(server, remote.name, input, tool.timeout_ms, ctx.signal),
        },
      ];
    });
  }
}
