import { Errors } from '@voxgate/openai-wire';
import type { ToolDefinitionPreparer } from './prepare-tool-definition';
import { type ToolPublicView, toPublicView } from './tool-definition';
import { parseToolDefinition } from './tool-admin-input';
import type { ToolRegistryRepository } from './tool-registry.repository';

/**
 * `POST /admin/tools`: registers a tool for every tenant to enable. Fails with 400 on an invalid body or
 * schema, a refused URL or an unreachable MCP server, and with 409 if the name is taken. The answer is
 * the public view: header values are never echoed.
 */
export class RegisterTool {
  constructor(
    private readonly registry: ToolRegistryRepository,
    private readonly preparer: ToolDefinitionPreparer,
  ) {}

  async execute(body: unknown): Promise<ToolPublicView> {
    const input = parseToolDefinition(body);
    if (await this.registry.get(input.name)) throw Errors.toolNameTaken(input.name);
    const tool = await this.preparer.prepare(input, null);
    if (!(await this.registry.create(tool))) throw Errors.toolNameTaken(input.name);
    return toPublicView(tool);
  }
}
