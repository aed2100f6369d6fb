import type { DeletedView, ListView, TenantView } from '../admin.views';
import type { Command, CommandGroup } from '../command';
import { formatRecord, formatTable, isoFromSeconds } from '../output.format';

const tenantRecord = (tenant: TenantView) =>
  formatRecord([
    ['id', tenant.id],
    ['name', tenant.name],
    ['created', isoFromSeconds(tenant.created_at)],
    ['cors origins', tenant.cors_origins?.length ? tenant.cors_origins.join(' ') : '(none)'],
  ]);

const list: Command = {
  name: 'list',
  summary: 'list every tenant',
  args: [],
  options: {},
  help: ['List every tenant: id, name and creation time (GET /admin/tenants).'],
  async run(_input, { client, output }) {
    const body = (await client.call('GET', '/admin/tenants')) as ListView<TenantView>;
    await output.result(body, () =>
      formatTable(
        ['id', 'name', 'created'],
        body.data.map((tenant) => [tenant.id, tenant.name, isoFromSeconds(tenant.created_at)]),
      ),
    );
  },
};

const get: Command = {
  name: 'get',
  summary: 'show one tenant',
  args: ['tenant-id'],
  options: {},
  help: ['Show one tenant (GET /admin/tenants/{id}). An unknown id fails with tenant_not_found.'],
  async run(input, { client, output }) {
    const body = (await client.call(
      'GET',
      `/admin/tenants/${encodeURIComponent(input.arg('tenant-id'))}`,
    )) as TenantView;
    await output.result(body, () => tenantRecord(body));
  },
};

const create: Command = {
  name: 'create',
  summary: 'create a tenant',
  args: ['name'],
  options: {},
  help: [
    'Create a tenant (POST /admin/tenants) and print its id, which the keys, quotas and tools commands take.',
    'Example: voxgate tenants create "Acme Corp"',
  ],
  async run(input, { client, output }) {
    const body = (await client.call('POST', '/admin/tenants', { body: { name: input.arg('name') } })) as TenantView;
    await output.result(body, () => tenantRecord(body));
  },
};

const origins: Command = {
  name: 'origins',
  summary: "set the browser origins a tenant's keys and secrets may be used from (CORS)",
  args: ['tenant-id'],
  options: {
    allow: {
      type: 'string',
      multiple: true,
      value: 'origin',
      description: 'an origin to allow, e.g. https://app.example.com (repeat for more)',
    },
    none: { type: 'boolean', description: 'allow no browser origin (the default for a new tenant)' },
  },
  help: [
    "Replace the tenant's allowed browser origins (PATCH /admin/tenants/{id} with cors_origins): requests " +
      "and realtime sockets that carry an Origin header are refused unless it is one of these. The gateway's " +
      'server.cors.origins must also list an origin for browsers to get past the preflight.',
    'Example: voxgate tenants origins ten_123 --allow https://app.example.com --allow http://localhost:5173',
  ],
  async run(input, { client, output }) {
    const allowed = input.strings('allow');
    if (allowed.length === 0 && !input.flag('none')) {
      throw input.usageError('give --allow <origin> (one or more), or --none to allow no origin');
    }
    if (allowed.length > 0 && input.flag('none')) throw input.usageError('--allow and --none exclude each other');
    const body = (await client.call('PATCH', `/admin/tenants/${encodeURIComponent(input.arg('tenant-id'))}`, {
      body: { cors_origins: allowed },
    })) as TenantView;
    await output.result(body, () => tenantRecord(body));
  },
};

const revokeSecret: Command = {
  name: 'revoke-secret',
  summary: 'revoke a realtime client secret (ek_…) at once, by its id (cs_…)',
  args: ['tenant-id', 'secret-id'],
  options: {},
  help: [
    "Revoke a client secret minted by one of the tenant's keys (DELETE /admin/tenants/{id}/client-secrets/{cs_…}). " +
      'The id is in the x-client-secret-id header of the mint and in the logs; the secret itself is never ' +
      'needed. Its next use is a 401; a realtime session it already opened runs on, as with an expired one.',
  ],
  async run(input, { client, output }) {
    const tenantId = encodeURIComponent(input.arg('tenant-id'));
    const secretId = encodeURIComponent(input.arg('secret-id'));
    const body = (await client.call('DELETE', `/admin/tenants/${tenantId}/client-secrets/${secretId}`)) as DeletedView;
    await output.result(body, () => `Revoked ${body.id ?? input.arg('secret-id')}.\n`);
  },
};

export const tenantsCommands: CommandGroup = {
  name: 'tenants',
  summary: 'create, list and show tenants; their browser origins and client secrets',
  commands: [list, get, create, origins, revokeSecret],
};
