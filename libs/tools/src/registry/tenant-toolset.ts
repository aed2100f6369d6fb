import type { FunctionTool } from '@voxgate/openai-wire';
import type { ToolModule } from '../tool-module';

/**
 * The tools one tenant's request may have executed by the gateway, resolved once per request.
 * `toOpenAITools()` is what the loop adds to the upstream request's `tools`; a tool call whose name
 * `has()` no entry here is not the gateway's to execute (it is the client app's own function).
 */
export class TenantToolset {
  private readonly byName: ReadonlyMap<string, ToolModule>;

  constructor(readonly tools: readonly ToolModule[]) {
    this.byName = new Map(tools.map((tool) => [tool.name, tool]));
  }

  get size(): number {
    return this.byName.size;
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  get(name: string): ToolModule | undefined {
    return this.byName.get(name);
  }

  /**
   * `[{ type: 'function', function: { name, description, parameters } }]`, in the toolset's order. The
   * schema's `$schema` is dropped: the model does not need it and some upstreams reject it.
   */
  toOpenAITools(): FunctionTool[] {
    return this.tools.map((tool) => {
      const { $schema: _dialect, ...parameters } = tool.parameters;
      return { type: 'function', function: { name: tool.name, description: tool.description, parameters } };
    });
  }
}
