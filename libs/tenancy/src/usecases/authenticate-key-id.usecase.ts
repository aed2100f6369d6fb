import { Errors } from '@voxgate/openai-wire';
import type { ApiKeyRepository } from '../repositories/api-key.repository';
import type { Principal } from '../tenancy.types';

/**
 * Key id → principal, for work the gateway does on a key's behalf after the request that started it
 * (batch lines run as the key that created the batch). The key must still exist: a key revoked since then
 * gets OpenAI's 401 `invalid_api_key`, like a revoked bearer key.
 */
export class AuthenticateKeyId {
  constructor(private readonly keys: ApiKeyRepository) {}

  async execute(keyId: string): Promise<Principal> {
    const key = await this.keys.get(keyId);
    if (!key) throw Errors.invalidApiKey();
    return { tenantId: key.tenantId, keyId: key.id, scope: key.scope };
  }
}
