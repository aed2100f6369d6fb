import { Errors } from '@voxgate/openai-wire';
import type { ToolDefinitionPreparer } from './prepare-tool-definition';
import { REDACTED, type ToolImplementation, type ToolPublicView, toPublicView } from './tool-definition';
import { parseToolDefinition } from './tool-admin-input';
import type { ToolRegistryRepository } from './tool-registry.repository';

/**
 * `PUT /admin/tools/{name}`: replaces a tool's definition (same checks as registration). The body may
 * omit `name`; if present it must match. A header value of `***` (what reads show) keeps the stored
 * secret, so ops can send back what they read. Tenants that enabled the tool keep it enabled.
 */
export class UpdateTool {
  constructor(
    private readonly registry: ToolRegistryRepository,
    private readonly preparer: ToolDefinitionPreparer,
  ) {}

  async execute(name: string, body: unknown): Promise<ToolPublicView> {
    const previous = await this.registry.get(name);
    if (!previous) throw Errors.notFound('tool', name);
    const withName = body !== null && typeof body === 'object' && !Array.isArray(body) ? { name, ...body } : body;
    const input = parseToolDefinition(withName);
    if (input.name !== name) throw Errors.invalidRequest(`The body names '${input.name}', the URL '${name}'.`, 'name');
    const implementation = keepSecrets(input.implementation, previous.implementation);
    const tool = await this.preparer.prepare({ ...input, implementation }, previous);
    await this.registry.replace(tool);
    return toPublicView(tool);
  }
}

function keepSecrets(next: ToolImplementation, previous: ToolImplementation): ToolImplementation {
  if (next.type === 'builtin') return next;
  const stored = previous.type === 'builtin' ? {} : previous.headers;
  const headers: Record<string, string> = {};
  for (const [header, value] of Object.entries(next.headers)) {
    if (value !== REDACTED) headers[header] = value;
    else if (stored[header] !== undefined) headers[header] = stored[header];
    else
      throw Errors.invalidRequest(
        `Header '${header}' has no stored value to keep; send its value.`,
        'implementation.headers',
      );
  }
  return { ...next, headers };
}
