import type { ListView, TenantView } from '../admin.views';
import type { Command, CommandGroup } from '../command';
import { formatRecord, formatTable, isoFromSeconds } from '../output.format';

const tenantRecord = (tenant: TenantView) =>
  formatRecord([
    ['id', tenant.id],
    ['name', tenant.name],
    ['created', isoFromSeconds(tenant.created_at)],
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

export const tenantsCommands: CommandGroup = {
  name: 'tenants',
  summary: 'create, list and show tenants',
  commands: [list, get, create],
};
