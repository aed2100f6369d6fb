import { Errors } from '@voxgate/openai-wire';
import { type ToolPublicView, toPublicView } from './tool-definition';
import type { ToolRegistryRepository } from './tool-registry.repository';

/**
 * `PUT /admin/tenants/{id}/tools/{name}`: lets the tenant's requests use a registered tool. Idempotent.
 * The tenant's existence is the caller's to check (this lib does not depend on tenancy).
 */
export class EnableToolForTenant {
  constructor(private readonly registry: ToolRegistryRepository) {}

  async execute(tenantId: string, name: string): Promise<ToolPublicView[]> {
    const tool = await this.registry.get(name);
    if (!tool) throw Errors.notFound('tool', name);
    await this.registry.enable(tenantId, { name, generation: tool.generation });
    return new ListTenantTools(this.registry).execute(tenantId);
  }
}

/** `DELETE /admin/tenants/{id}/tools/{name}`: effective on the tenant's next request. */
export class DisableToolForTenant {
  constructor(private readonly registry: ToolRegistryRepository) {}

  async execute(tenantId: string, name: string): Promise<ToolPublicView[]> {
    if (!(await this.registry.disable(tenantId, name))) throw Errors.notFound('tenant_tool', name);
    return new ListTenantTools(this.registry).execute(tenantId);
  }
}

/** `GET /admin/tenants/{id}/tools`: the registered tools the tenant has enabled, header values redacted. */
export class ListTenantTools {
  constructor(private readonly registry: ToolRegistryRepository) {}

  async execute(tenantId: string): Promise<ToolPublicView[]> {
    const enabled = await this.registry.enabledFor(tenantId);
    const tools = await this.registry.getMany(enabled.map((entry) => entry.name));
    return tools.flatMap((tool, index) =>
      tool && tool.generation === enabled[index]?.generation ? [toPublicView(tool)] : [],
    );
  }
}
