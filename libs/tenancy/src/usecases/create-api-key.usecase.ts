import { Errors } from '@voxgate/openai-wire';
import { generateSecret, hashSecret, redact } from '../api-key-secret';
import type { ApiKeyRepository } from '../repositories/api-key.repository';
import type { TenantRepository } from '../repositories/tenant.repository';
import type { ApiKeyRecord, TenancyEnvironment } from '../tenancy.types';
import type { CreateApiKeyInput } from './admin-inputs';

/** A new key and its secret. The secret exists only in this value: it is never stored or shown again. */
export interface CreatedApiKey {
  readonly record: ApiKeyRecord;
  readonly secret: string;
}

export class CreateApiKey {
  constructor(
    private readonly tenants: TenantRepository,
    private readonly keys: ApiKeyRepository,
    private readonly environment: TenancyEnvironment,
  ) {}

  async execute(tenantId: string, input: CreateApiKeyInput): Promise<CreatedApiKey> {
    if (!(await this.tenants.exists(tenantId))) throw Errors.notFound('tenant', tenantId);
    const secret = generateSecret();
    const record: ApiKeyRecord = {
      id: this.environment.newId('key'),
      tenantId,
      name: input.name,
      scope: input.scope,
      createdAt: Math.floor(this.environment.now().getTime() / 1000),
      redactedValue: redact(secret),
    };
    await this.keys.create(record, hashSecret(secret));
    return { record, secret };
  }
}
