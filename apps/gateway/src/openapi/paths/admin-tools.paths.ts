import { json, jsonBody, type RouteGroup } from '../route-doc';

const enabledList = json('ToolList', "The tenant's enabled tools, after the change.");

export const ADMIN_TOOLS_PATHS: RouteGroup = {
  tag: {
    name: 'Admin: tools',
    description:
      'Ops: the tool registry (built-in, HTTP and MCP tools the gateway executes itself) and which tenants may use each. Secret header values are never returned (`***`).',
  },
  routes: [
    {
      method: 'post',
      path: '/admin/tools',
      operationId: 'registerTool',
      summary: 'Register a tool',
      description:
        'Validated by the tool library: JSON Schema of `parameters`, SSRF rules for URLs, a reachable MCP server.',
      access: 'admin',
      body: jsonBody('ToolDefinitionRequest'),
      responses: { '201': json('Tool', 'The registered tool.') },
    },
    {
      method: 'get',
      path: '/admin/tools',
      operationId: 'listTools',
      summary: 'List registered tools',
      access: 'admin',
      responses: { '200': json('ToolList', 'Every registered tool.') },
    },
    {
      method: 'get',
      path: '/admin/tools/{name}',
      operationId: 'retrieveTool',
      summary: 'Retrieve a tool',
      access: 'admin',
      responses: { '200': json('Tool', 'The tool.') },
    },
    {
      method: 'put',
      path: '/admin/tools/{name}',
      operationId: 'updateTool',
      summary: 'Replace a tool',
      description:
        'Same checks as registration. The body may omit `name` (if present it must match); a header value of `***` keeps the stored one.',
      access: 'admin',
      body: jsonBody('ToolDefinitionRequest'),
      responses: { '200': json('Tool', 'The tool as now registered.') },
    },
    {
      method: 'delete',
      path: '/admin/tools/{name}',
      operationId: 'removeTool',
      summary: 'Remove a tool',
      description: 'Also disables it for every tenant.',
      access: 'admin',
      responses: { '200': json('ToolDeleted', 'Removed.') },
    },
    {
      method: 'get',
      path: '/admin/tenants/{tenantId}/tools',
      operationId: 'listTenantTools',
      summary: "List a tenant's enabled tools",
      access: 'admin',
      responses: { '200': json('ToolList', "The tenant's enabled tools.") },
    },
    {
      method: 'put',
      path: '/admin/tenants/{tenantId}/tools/{name}',
      operationId: 'enableTenantTool',
      summary: 'Enable a tool for a tenant',
      access: 'admin',
      responses: { '200': enabledList },
    },
    {
      method: 'delete',
      path: '/admin/tenants/{tenantId}/tools/{name}',
      operationId: 'disableTenantTool',
      summary: 'Disable a tool for a tenant',
      access: 'admin',
      responses: { '200': enabledList },
    },
    {
      method: 'post',
      path: '/admin/tenants/{tenantId}/search/documents',
      operationId: 'uploadSearchDocuments',
      summary: "Add or replace documents of the tenant's `search` corpus",
      access: 'admin',
      body: jsonBody('UploadSearchDocumentsRequest'),
      responses: { '201': json('SearchDocumentsUploaded', 'Indexed.') },
    },
  ],
};
