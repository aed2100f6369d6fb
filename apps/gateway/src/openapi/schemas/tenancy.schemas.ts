import {
  CreateApiKeyInputSchema,
  CreateTenantInputSchema,
  KEY_SCOPES,
  QuotaLimitsSchema,
  UpdateTenantInputSchema,
} from '@voxgate/tenancy';
import { z } from 'zod';
import { apiKeyView, tenantView } from '../../admin/admin.views';
import type { Assert, Describes, NamedSchema } from './documented';

const list = <T extends z.ZodType>(item: T) => z.object({ object: z.literal('list'), data: z.array(item) });

export const TenantSchema = z.object({
  object: z.literal('tenant'),
  id: z.string().describe('`ten_…`, stable, never reused.'),
  name: z.string(),
  created_at: z.number().describe('Unix seconds.'),
  cors_origins: z
    .array(z.string())
    .describe('Browser origins whose pages may use this tenant’s keys and client secrets (CORS, WebSocket `Origin`).'),
});
type _TenantChecked = Assert<Describes<typeof TenantSchema, ReturnType<typeof tenantView>>>;

export const ApiKeySchema = z.object({
  object: z.literal('api_key'),
  id: z.string().describe('`key_…`: what ops revoke and set quotas on.'),
  tenant_id: z.string(),
  name: z.string(),
  created_at: z.number().describe('Unix seconds.'),
  redacted_value: z.string().describe('`sk-vg-…abcd`: enough to recognise the key, useless to an attacker.'),
});
type _ApiKeyChecked = Assert<Describes<typeof ApiKeySchema, ReturnType<typeof apiKeyView>>>;

const CreatedApiKeySchema = ApiKeySchema.extend({
  key: z.string().describe('The secret: shown in this response only, never again.'),
});

const ClientSecretDeletedSchema = z.object({
  object: z.literal('realtime.client_secret.deleted'),
  id: z.string(),
  deleted: z.literal(true),
});

const ApiKeyDeletedSchema = z.object({
  object: z.literal('api_key.deleted'),
  id: z.string(),
  deleted: z.literal(true),
});

/** What `GET`/`PUT …/quotas` answer: the whole set of limits of one scope (null: unlimited). */
const QuotaSchema = QuotaLimitsSchema.extend({
  object: z.literal('quota'),
  tenant_id: z.string().optional().describe('Set on a tenant’s quotas.'),
  key_id: z.string().optional().describe('Set on a key’s quotas.'),
});

export const TENANCY_REQUEST_COMPONENTS: readonly NamedSchema[] = [
  { id: 'CreateTenantRequest', schema: CreateTenantInputSchema },
  {
    id: 'UpdateTenantRequest',
    schema: UpdateTenantInputSchema,
    description: '`cors_origins`: replaces the list (origins as browsers send them, `https://app.example.com`).',
  },
  {
    id: 'CreateApiKeyRequest',
    schema: CreateApiKeyInputSchema,
    description: `\`scope\`: ${KEY_SCOPES.map((scope) => `\`${scope}\``).join(' or ')} — \`client\` keys call the API, \`billing\` keys read their tenant's usage only.`,
  },
  {
    id: 'QuotaLimits',
    schema: QuotaLimitsSchema,
    description:
      'Limits of one scope (a tenant or a key); absent or null is unlimited. PUT replaces the whole set; both scopes apply to a request.',
  },
];

export const TENANCY_RESPONSE_COMPONENTS: readonly NamedSchema[] = [
  { id: 'Tenant', schema: TenantSchema },
  { id: 'TenantList', schema: list(TenantSchema) },
  { id: 'ApiKey', schema: ApiKeySchema },
  { id: 'CreatedApiKey', schema: CreatedApiKeySchema },
  { id: 'ApiKeyList', schema: list(ApiKeySchema) },
  { id: 'ApiKeyDeleted', schema: ApiKeyDeletedSchema },
  { id: 'ClientSecretDeleted', schema: ClientSecretDeletedSchema },
  { id: 'Quota', schema: QuotaSchema },
];
