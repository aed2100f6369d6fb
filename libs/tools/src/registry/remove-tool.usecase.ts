import { Errors } from '@voxgate/openai-wire';
import type { ToolRegistryRepository } from './tool-registry.repository';

/** `DELETE /admin/tools/{name}`: removes a tool and every tenant's enablement of it. */
export class RemoveTool {
  constructor(private readonly registry: ToolRegistryRepository) {}

  async execute(name: string): Promise<{ name: string; deleted: true }> {
    if (!(await this.registry.remove(name))) throw Errors.notFound('tool', name);
    return { name, deleted: true };
  }
}
