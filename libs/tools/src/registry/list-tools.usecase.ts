import { Errors } from '@voxgate/openai-wire';
import { type ToolPublicView, toPublicView } from './tool-definition';
import type { ToolRegistryRepository } from './tool-registry.repository';

/** `GET /admin/tools`: every registered tool, by name, header values redacted. */
export class ListTools {
  constructor(private readonly registry: ToolRegistryRepository) {}

  async execute(): Promise<ToolPublicView[]> {
    return (await this.registry.list()).map(toPublicView);
  }
}

/** `GET /admin/tools/{name}`: one tool, header values redacted. */
export class GetTool {
  constructor(private readonly registry: ToolRegistryRepository) {}

  async execute(name: string): Promise<ToolPublicView> {
    const tool = await this.registry.get(name);
    if (!tool) throw Errors.notFound('tool', name);
    return toPublicView(tool);
  }
}
