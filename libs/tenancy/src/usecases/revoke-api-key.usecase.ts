import { Errors } from '@voxgate/openai-wire';
import type { ApiKeyRepository } from '../repositories/api-key.repository';
import type { ApiKeyRecord } from '../tenancy.types';

/** Revocation is immediate everywhere: authentication reads Redis on every request and caches nothing. */
export class RevokeApiKey {
  constructor(private readonly keys: ApiKeyRepository) {}

  async execute(keyId: string): Promise<ApiKeyRecord> {
    const revoked = await this.keys.revoke(keyId);
    if (!revoked) throw Errors.notFound('api_key', keyId);
    return revoked;
  }
}
