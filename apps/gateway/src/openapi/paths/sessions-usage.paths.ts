import { UsageExportInputSchema, UsageQueryInputSchema } from '@voxgate/metering';
import { z } from 'zod';
import { json, type RouteGroup } from '../route-doc';

const SessionQuerySchema = z.object({
  include_audio: z
    .enum(['true', 'false'])
    .optional()
    .describe('`true`: stored audio inline as base64 (`audio.data`) instead of references.'),
});

/** The body of a usage export, streamed as it is read. */
export const USAGE_EXPORT_RESPONSE = {
  description: 'The raw usage events of the period, one per line (`jsonl`) or row (`csv`), streamed as a download.',
  content: {
    'application/x-ndjson': { schema: { type: 'string', description: 'One JSON usage event per line.' } },
    'text/csv': { schema: { type: 'string', description: 'A header row, then one usage event per row.' } },
  },
};

export const SESSIONS_PATHS: RouteGroup = {
  tag: {
    name: 'Sessions',
    description: 'Conversations the gateway keeps for `X-Session-Id`: read them back, or erase them.',
  },
  routes: [
    {
      method: 'get',
      path: '/v1/sessions/{sessionId}',
      operationId: 'retrieveSession',
      summary: 'Read a session',
      description: 'Reading refreshes its TTL.',
      access: 'tenant',
      query: SessionQuerySchema,
      responses: { '200': json('Session', 'The turns of the session, oldest first.') },
    },
    {
      method: 'delete',
      path: '/v1/sessions/{sessionId}',
      operationId: 'deleteSession',
      summary: 'Erase a session',
      description: 'Deletes the history and every audio object stored for it.',
      access: 'tenant',
      responses: { '200': json('SessionDeleted', 'Erased.') },
    },
  ],
};

export const USAGE_PATHS: RouteGroup = {
  tag: {
    name: 'Usage',
    description: "Billing, tenant side: a key with the `billing` scope reads its own tenant's usage, nothing else.",
  },
  routes: [
    {
      method: 'get',
      path: '/v1/usage',
      operationId: 'getUsage',
      summary: "Read the tenant's usage in time buckets",
      description:
        "Modelled on OpenAI's usage API. Filters and `group_by` take repeated or comma-separated values; `tenant_ids` and grouping by `tenant_id` are ignored (the tenant comes from the key).",
      access: 'billing',
      query: UsageQueryInputSchema,
      responses: { '200': json('UsageResponse', 'A page of buckets.') },
    },
    {
      method: 'get',
      path: '/v1/usage/events',
      operationId: 'exportUsageEvents',
      summary: "Export the tenant's raw usage events",
      access: 'billing',
      query: UsageExportInputSchema,
      responses: { '200': USAGE_EXPORT_RESPONSE },
    },
  ],
};
