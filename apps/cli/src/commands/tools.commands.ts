import { readFile } from 'node:fs/promises';
import type { DeletedView, ListView, ToolView } from '../admin.views';
import { readAll } from '../cli.io';
import type { Command, CommandContext, CommandGroup, CommandInput, OptionSpec } from '../command';
import { compactJson, formatRecord, formatTable, isoFromMillis, truncate } from '../output.format';

const definitionOptions: Record<string, OptionSpec> = {
  file: { type: 'string', value: 'path|-', description: 'the tool definition as a JSON file (- reads stdin)' },
  data: { type: 'string', value: 'json', description: 'the tool definition as a JSON string' },
};

const tenantOption: Record<string, OptionSpec> = {
  tenant: { type: 'string', value: 'tenant-id', description: 'the tenant' },
};

/** The JSON body from exactly one of `--file` and `--data`; a file that is not JSON is a usage error. */
async function definitionFrom(input: CommandInput, { io }: CommandContext): Promise<unknown> {
  const file = input.string('file');
  const data = input.string('data');
  if ((file === undefined) === (data === undefined)) throw input.usageError('give exactly one of --file and --data');
  let text: string;
  if (data !== undefined) text = data;
  else if (file === '-') text = await readAll(io.stdin);
  else {
    try {
      text = await readFile(file ?? '', 'utf8');
    } catch (error) {
      throw input.usageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw input.usageError(`the tool definition (${data !== undefined ? '--data' : file}) is not valid JSON`);
  }
}

function requiredTenant(input: CommandInput): string {
  const tenant = input.string('tenant');
  if (tenant === undefined) throw input.usageError('--tenant is required');
  return encodeURIComponent(tenant);
}

/** `builtin search.search`, `http POST https://…`, `mcp https://…`. */
function implementationText(tool: ToolView): string | undefined {
  const implementation = tool.implementation;
  if (implementation?.type === 'builtin') return `builtin ${implementation.module}.${implementation.operation}`;
  if (implementation?.type === 'http') return `http ${implementation.method ?? ''} ${implementation.url ?? ''}`;
  if (implementation?.type === 'mcp') return `mcp ${implementation.url ?? ''}`;
  return implementation?.type;
}

function toolsTable(tools: readonly ToolView[]): string {
  return formatTable(
    ['name', 'implementation', 'effect', 'timeout', 'description'],
    tools.map((tool) => [
      tool.name,
      implementationText(tool),
      tool.effect,
      tool.timeout_ms === undefined ? undefined : `${tool.timeout_ms} ms`,
      truncate(tool.description, 60),
    ]),
  );
}

function toolRecord(tool: ToolView): string {
  return formatRecord([
    ['name', tool.name],
    ['description', tool.description],
    ['implementation', implementationText(tool)],
    ['effect', tool.effect],
    ['timeout', tool.timeout_ms === undefined ? undefined : `${tool.timeout_ms} ms`],
    ['parameters', compactJson(tool.parameters)],
    ['headers', compactJson((tool.implementation as { headers?: unknown } | undefined)?.headers)],
    ['created', isoFromMillis(tool.created_at)],
    ['updated', isoFromMillis(tool.updated_at)],
  ]);
}

const list: Command = {
  name: 'list',
  summary: 'list registered tools, or those a tenant has enabled',
  args: [],
  options: { tenant: { type: 'string', value: 'tenant-id', description: 'only the tools this tenant has enabled' } },
  help: ['List the registered tools (GET /admin/tools), or with --tenant the ones that tenant has enabled.'],
  async run(input, { client, output }) {
    const tenant = input.string('tenant');
    const path = tenant === undefined ? '/admin/tools' : `/admin/tenants/${encodeURIComponent(tenant)}/tools`;
    const body = (await client.call('GET', path)) as ListView<ToolView>;
    await output.result(body, () => toolsTable(body.data));
  },
};

const get: Command = {
  name: 'get',
  summary: 'show one tool',
  args: ['name'],
  options: {},
  help: ['Show one registered tool (GET /admin/tools/{name}). Header values of HTTP and MCP tools show as ***.'],
  async run(input, { client, output }) {
    const body = (await client.call('GET', `/admin/tools/${encodeURIComponent(input.arg('name'))}`)) as ToolView;
    await output.result(body, () => toolRecord(body));
  },
};

const register: Command = {
  name: 'register',
  summary: 'register a tool from a JSON definition',
  args: [],
  options: definitionOptions,
  help: [
    'Register a tool (POST /admin/tools) from its JSON definition: name, description, parameters (JSON ' +
      'Schema), effect (read|idempotent|side_effect), timeout_ms and an implementation ' +
      '({"type":"builtin","module":"search"|"booking"|"payment",…}, {"type":"http","url",…} or {"type":"mcp","url"}). ' +
      'Then enable it per tenant with `voxgate tools enable`.',
    'Example: voxgate tools register --data \'{"name":"faq","implementation":{"type":"builtin","module":"search"}}\'',
  ],
  async run(input, context) {
    const body = (await context.client.call('POST', '/admin/tools', {
      body: await definitionFrom(input, context),
    })) as ToolView;
    await context.output.result(body, () => toolRecord(body));
  },
};

const update: Command = {
  name: 'update',
  summary: "replace a tool's definition",
  args: ['name'],
  options: definitionOptions,
  help: [
    'Replace the definition of a registered tool (PUT /admin/tools/{name}); tenants that enabled it keep it. ' +
      'A header value of *** keeps the stored secret.',
  ],
  async run(input, context) {
    const path = `/admin/tools/${encodeURIComponent(input.arg('name'))}`;
    const body = (await context.client.call('PUT', path, { body: await definitionFrom(input, context) })) as ToolView;
    await context.output.result(body, () => toolRecord(body));
  },
};

const remove: Command = {
  name: 'delete',
  summary: 'remove a tool and every enablement of it',
  args: ['name'],
  options: {},
  help: ["Remove a registered tool (DELETE /admin/tools/{name}), and with it every tenant's enablement."],
  async run(input, { client, output }) {
    const body = (await client.call('DELETE', `/admin/tools/${encodeURIComponent(input.arg('name'))}`)) as DeletedView;
    await output.result(body, () => `Deleted tool ${body.name ?? input.arg('name')}.\n`);
  },
};

const enable: Command = {
  name: 'enable',
  summary: "offer a tool to a tenant's requests",
  args: ['name'],
  options: tenantOption,
  help: ["Enable a registered tool for a tenant (PUT /admin/tenants/{id}/tools/{name}); prints the tenant's tools."],
  async run(input, { client, output }) {
    const path = `/admin/tenants/${requiredTenant(input)}/tools/${encodeURIComponent(input.arg('name'))}`;
    const body = (await client.call('PUT', path)) as ListView<ToolView>;
    await output.result(body, () => toolsTable(body.data));
  },
};

const disable: Command = {
  name: 'disable',
  summary: 'stop offering a tool to a tenant',
  args: ['name'],
  options: tenantOption,
  help: ["Disable a tool for a tenant (DELETE /admin/tenants/{id}/tools/{name}); prints the tenant's remaining tools."],
  async run(input, { client, output }) {
    const path = `/admin/tenants/${requiredTenant(input)}/tools/${encodeURIComponent(input.arg('name'))}`;
    const body = (await client.call('DELETE', path)) as ListView<ToolView>;
    await output.result(body, () => toolsTable(body.data));
  },
};

export const toolsCommands: CommandGroup = {
  name: 'tools',
  summary: 'register server tools and enable them per tenant',
  commands: [list, get, register, update, remove, enable, disable],
};
