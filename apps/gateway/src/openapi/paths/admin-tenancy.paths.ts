import { UsageExportInputSchema, UsageQueryInputSchema } from '@voxgate/metering';
import { json, jsonBody, type RouteGroup } from '../route-doc';
import { USAGE_EXPORT_RESPONSE } from './sessions-usage.paths';

export const ADMIN_TENANCY_PATHS: RouteGroup = {
  tag: {
    name: 'Admin: tenants and keys',
    description: 'Ops: tenants, their API keys and their quotas. Changes apply to the next request on every replica.',
  },
  routes: [
    {
      method: 'post',
      path: '/admin/tenants',
      operationId: 'createTenant',
      summary: 'Create a tenant',
      access: 'admin',
      body: jsonBody('CreateTenantRequest'),
      responses: { '201': json('Tenant', 'The tenant.') },
    },
    {
      method: 'get',
      path: '/admin/tenants',
      operationId: 'listTenants',
      summary: 'List tenants',
      access: 'admin',
      responses: { '200': json('TenantList', 'Every tenant.') },
    },
    {
      method: 'get',
      path: '/admin/tenants/{tenantId}',
      operationId: 'retrieveTenant',
      summary: 'Retrieve a tenant',
      access: 'admin',
      responses: { '200': json('Tenant', 'The tenant.') },
    },
    {
      method: 'patch',
      path: '/admin/tenants/{tenantId}',
      operationId: 'updateTenant',
      summary: "Update a tenant's settings (allowed browser origins)",
      access: 'admin',
      body: jsonBody('UpdateTenantRequest'),
      responses: { '200': json('Tenant', 'The tenant as updated.') },
    },
    {
      method: 'delete',
      path: '/admin/tenants/{tenantId}/client-secrets/{secretId}',
      operationId: 'revokeTenantClientSecret',
      summary: 'Revoke a client secret',
      access: 'admin',
      responses: { '200': json('ClientSecretDeleted', 'Revoked; the next use of it is a 401.') },
    },
    {
      method: 'post',
      path: '/admin/tenants/{tenantId}/keys',
      operationId: 'createApiKey',
      summary: 'Create an API key',
      description: 'The response is the only time the secret `key` is ever shown.',
      access: 'admin',
      body: jsonBody('CreateApiKeyRequest'),
      responses: { '201': json('CreatedApiKey', 'The key, with its secret.') },
    },
    {
      method: 'get',
      path: '/admin/tenants/{tenantId}/keys',
      operationId: 'listApiKeys',
      summary: "List a tenant's keys",
      access: 'admin',
      responses: { '200': json('ApiKeyList', 'The keys, redacted.') },
    },
    {
      method: 'delete',
      path: '/admin/keys/{keyId}',
      operationId: 'revokeApiKey',
      summary: 'Revoke an API key',
      access: 'admin',
      responses: { '200': json('ApiKeyDeleted', 'Revoked; the next request with it is a 401.') },
    },
    {
      method: 'put',
      path: '/admin/tenants/{tenantId}/quotas',
      operationId: 'setTenantQuotas',
      summary: "Replace a tenant's quotas",
      access: 'admin',
      body: jsonBody('QuotaLimits', 'The whole set: an omitted or null limit is unlimited.'),
      responses: { '200': json('Quota', 'The limits now in force.') },
    },
    {
      method: 'get',
      path: '/admin/tenants/{tenantId}/quotas',
      operationId: 'getTenantQuotas',
      summary: "Read a tenant's quotas",
      access: 'admin',
      responses: { '200': json('Quota', 'The limits in force.') },
    },
    {
      method: 'put',
      path: '/admin/keys/{keyId}/quotas',
      operationId: 'setKeyQuotas',
      summary: "Replace a key's quotas",
      access: 'admin',
      body: jsonBody('QuotaLimits', 'The whole set: an omitted or null limit is unlimited.'),
      responses: { '200': json('Quota', 'The limits now in force.') },
    },
    {
      method: 'get',
      path: '/admin/keys/{keyId}/quotas',
      operationId: 'getKeyQuotas',
      summary: "Read a key's quotas",
      access: 'admin',
      responses: { '200': json('Quota', 'The limits in force.') },
    },
  ],
};

export const ADMIN_USAGE_PATHS: RouteGroup = {
  tag: { name: 'Admin: usage', description: 'Billing, operator side: usage of every tenant, and Prometheus metrics.' },
  routes: [
    {
      method: 'get',
      path: '/admin/usage',
      operationId: 'getAllUsage',
      summary: 'Read the usage of every tenant (or of `tenant_ids`)',
      access: 'admin',
      query: UsageQueryInputSchema,
      responses: { '200': json('UsageResponse', 'A page of buckets.') },
    },
    {
      method: 'get',
      path: '/admin/usage/events',
      operationId: 'exportAllUsageEvents',
      summary: 'Export raw usage events of every tenant (or of `tenant_ids`)',
      access: 'admin',
      query: UsageExportInputSchema,
      responses: { '200': USAGE_EXPORT_RESPONSE },
    },
    {
      method: 'get',
      path: '/metrics',
      operationId: 'getMetrics',
      summary: 'Prometheus scrape endpoint',
      description:
        'Every metric of this process (HTTP, time to first byte and audio, providers, quotas, Redis, batch queue, usage, tools, outbox) in the Prometheus text format; the list is in docs/observability.md. Bearer: the admin key.',
      access: 'admin',
      responses: {
        '200': {
          description: 'Prometheus text exposition format 0.0.4.',
          content: { 'text/plain': { schema: { type: 'string' } } },
        },
      },
    },
  ],
};
