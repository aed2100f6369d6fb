import type { ApiKeyView, DeletedView, ListView } from '../admin.views';
import type { Command, CommandGroup } from '../command';
import { formatRecord, formatTable, isoFromSeconds } from '../output.format';

const list: Command = {
  name: 'list',
  summary: "list a tenant's keys (never their secrets)",
  args: ['tenant-id'],
  options: {},
  help: [
    "List a tenant's API keys: id, name, the redacted value (sk-vg-...abcd) and creation time " +
      '(GET /admin/tenants/{id}/keys). Secrets are stored hashed and cannot be shown again.',
  ],
  async run(input, { client, output }) {
    const tenantId = encodeURIComponent(input.arg('tenant-id'));
    const body = (await client.call('GET', `/admin/tenants/${tenantId}/keys`)) as ListView<ApiKeyView>;
    await output.result(body, () =>
      formatTable(
        ['id', 'name', 'key', 'created'],
        body.data.map((key) => [key.id, key.name, key.redacted_value, isoFromSeconds(key.created_at)]),
      ),
    );
  },
};

const create: Command = {
  name: 'create',
  summary: 'create an API key for a tenant (the secret is printed once)',
  args: ['tenant-id', 'name'],
  options: {
    scope: {
      type: 'string',
      value: 'client|billing',
      description: 'client (default): completions, models, sessions, files, batches; billing: usage only',
    },
  },
  help: [
    'Create an API key for a tenant (POST /admin/tenants/{id}/keys). The secret `key` (sk-vg-…) is in this ' +
      'answer only: the gateway keeps a hash. Store it now, e.g. in your secret manager.',
    'Example: voxgate keys create ten_123 ios-app',
  ],
  async run(input, { client, output }) {
    const tenantId = encodeURIComponent(input.arg('tenant-id'));
    const scope = input.string('scope');
    const body = (await client.call('POST', `/admin/tenants/${tenantId}/keys`, {
      body: { name: input.arg('name'), ...(scope === undefined ? {} : { scope }) },
    })) as ApiKeyView;
    await output.result(body, () =>
      formatRecord([
        ['id', body.id],
        ['tenant', body.tenant_id],
        ['name', body.name],
        ['key', body.key],
        ['created', isoFromSeconds(body.created_at)],
      ]),
    );
    await output.note('The key is shown this once only: store it now.');
  },
};

const revoke: Command = {
  name: 'revoke',
  summary: 'revoke a key at once, on every replica',
  args: ['key-id'],
  options: {},
  help: ['Revoke an API key by its id (key_…; DELETE /admin/keys/{id}). Its next request gets 401, on every replica.'],
  async run(input, { client, output }) {
    const body = (await client.call('DELETE', `/admin/keys/${encodeURIComponent(input.arg('key-id'))}`)) as DeletedView;
    await output.result(body, () => `Revoked ${body.id ?? input.arg('key-id')}.\n`);
  },
};

export const keysCommands: CommandGroup = {
  name: 'keys',
  summary: 'create, list and revoke API keys',
  commands: [list, create, revoke],
};
