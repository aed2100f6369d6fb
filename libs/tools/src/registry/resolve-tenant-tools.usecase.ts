import type { ToolModule } from '../tool-module';
import { TenantToolset } from './tenant-toolset';
import type { ToolModuleFactory } from './tool-module.factory';
import type { ToolRegistryRepository } from './tool-registry.repository';

/**
 * The executable tools of a tenant: every enabled registration whose generation still matches, built
 * into `ToolModule`s (MCP servers expanded into `<server>__<tool>`, their lists cached per process).
 * Read on every request, so enabling, disabling or updating a tool takes effect on the next one.
 */
export class ResolveTenantTools {
  constructor(
    private readonly registry: ToolRegistryRepository,
    private readonly factory: ToolModuleFactory,
  ) {}

  async execute(tenantId: string): Promise<TenantToolset> {
    const enabled = await this.registry.enabledFor(tenantId);
    const definitions = await this.registry.getMany(enabled.map((entry) => entry.name));
    const live = definitions.filter(
      (tool, index): tool is NonNullable<typeof tool> =>
        tool !== null && tool.generation === enabled[index]?.generation,
    );
    const built = await Promise.all(live.map((tool) => this.factory.create(tool)));
    const seen = new Set<string>();
    const tools: ToolModule[] = [];
    for (const tool of built.flat()) {
      if (seen.has(tool.name)) continue;
      seen.add(tool.name);
      tools.push(tool);
    }
    return new TenantToolset(tools);
  }
}
