import type { QuotaView } from '../admin.views';
import type { Command, CommandGroup, CommandInput, OptionSpec } from '../command';
import { formatRecord } from '../output.format';

/**
 * The limits of `PUT /admin/{tenants|keys}/{id}/quotas`, in the gateway's order (libs/tenancy's
 * `LIMIT_FIELDS`; a spec keeps the two equal). Each is an option in kebab case: `--requests-per-minute`.
 */
export const QUOTA_LIMITS = [
  'requests_per_minute',
  'tokens_per_minute',
  'tokens_per_day',
  'spend_per_month_usd_micros',
  'concurrent_streams',
  'audio_seconds_per_day',
] as const;
export type QuotaLimit = (typeof QUOTA_LIMITS)[number];

const optionName = (limit: QuotaLimit) => limit.replace(/_/g, '-');

const UNLIMITED = 'unlimited';

const scopeOptions: Record<string, OptionSpec> = {
  tenant: { type: 'string', value: 'tenant-id', description: "the tenant's limits" },
  key: { type: 'string', value: 'key-id', description: "one key's limits, applied on top of its tenant's" },
};

const limitOptions: Record<string, OptionSpec> = Object.fromEntries(
  QUOTA_LIMITS.map((limit) => [
    optionName(limit),
    {
      type: 'string',
      value: `n|${UNLIMITED}`,
      description:
        limit === 'spend_per_month_usd_micros'
          ? 'integer micro-USD per UTC calendar month (50000000 = $50)'
          : limit.replace(/_/g, ' '),
    },
  ]),
);

/** `/admin/tenants/{id}/quotas` or `/admin/keys/{id}/quotas`, from exactly one of `--tenant` and `--key`. */
function quotasPath(input: CommandInput): string {
  const tenant = input.string('tenant');
  const key = input.string('key');
  if ((tenant === undefined) === (key === undefined)) throw input.usageError('give exactly one of --tenant and --key');
  return tenant !== undefined
    ? `/admin/tenants/${encodeURIComponent(tenant)}/quotas`
    : `/admin/keys/${encodeURIComponent(key ?? '')}/quotas`;
}

/** The limits given on the command line: a non-negative integer, or null for `unlimited`. */
export function limitsFrom(input: CommandInput): Partial<Record<QuotaLimit, number | null>> {
  const limits: Partial<Record<QuotaLimit, number | null>> = {};
  for (const limit of QUOTA_LIMITS) {
    const text = input.string(optionName(limit));
    if (text === undefined) continue;
    if (text === UNLIMITED) limits[limit] = null;
    else if (/^\d+$/.test(text) && Number.isSafeInteger(Number(text))) limits[limit] = Number(text);
    else throw input.usageError(`--${optionName(limit)} must be a whole number ≥ 0 or '${UNLIMITED}', not '${text}'`);
  }
  return limits;
}

function quotaRecord(body: QuotaView): string {
  return formatRecord([
    body.tenant_id !== undefined ? ['tenant', body.tenant_id] : ['key', body.key_id],
    ...QUOTA_LIMITS.map((limit): [string, string | number] => [limit, body[limit] ?? UNLIMITED]),
  ]);
}

const get: Command = {
  name: 'get',
  summary: "show a tenant's or a key's limits",
  args: [],
  options: scopeOptions,
  help: ['Show the limits of a tenant (--tenant) or of one key (--key). An absent limit is unlimited.'],
  async run(input, { client, output }) {
    const body = (await client.call('GET', quotasPath(input))) as QuotaView;
    await output.result(body, () => quotaRecord(body));
  },
};

const set: Command = {
  name: 'set',
  summary: 'replace all limits (any limit not given becomes unlimited)',
  args: [],
  options: { ...scopeOptions, ...limitOptions },
  help: [
    'Replace the whole set of limits of a tenant or a key (PUT …/quotas): a limit not given is unlimited ' +
      'afterwards. To change some limits and keep the others, use `voxgate quotas update`.',
    'Limits apply to the next request on every replica. Windows are UTC-aligned minutes, days and months.',
    'Example: voxgate quotas set --tenant ten_123 --requests-per-minute 60 --tokens-per-day 2000000',
  ],
  async run(input, { client, output }) {
    const path = quotasPath(input);
    const body = (await client.call('PUT', path, { body: limitsFrom(input) })) as QuotaView;
    await output.result(body, () => quotaRecord(body));
  },
};

const update: Command = {
  name: 'update',
  summary: 'change the limits given, keep the others',
  args: [],
  options: { ...scopeOptions, ...limitOptions },
  help: [
    'Change only the limits given (`unlimited` removes one) and keep the others: reads the current set, then ' +
      'replaces it with the merge. Two admins updating the same scope at once may overwrite each other.',
    'Example: voxgate quotas update --key key_123 --concurrent-streams 2',
  ],
  async run(input, { client, output }) {
    const path = quotasPath(input);
    const changes = limitsFrom(input);
    if (Object.keys(changes).length === 0) throw input.usageError('give at least one limit to change');
    const current = (await client.call('GET', path)) as QuotaView;
    const merged = Object.fromEntries(QUOTA_LIMITS.map((limit) => [limit, current[limit] ?? null]));
    const body = (await client.call('PUT', path, { body: { ...merged, ...changes } })) as QuotaView;
    await output.result(body, () => quotaRecord(body));
  },
};

export const quotasCommands: CommandGroup = {
  name: 'quotas',
  summary: "read and change a tenant's or a key's limits",
  commands: [get, set, update],
};
