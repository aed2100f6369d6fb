import { Errors } from '@voxgate/openai-wire';
import { hashSecret } from '../api-key-secret';
import type { Principal } from '../tenancy.types';
import { tenantOfClientSecret } from './client-secret-value';
import type { ClientSecretRepository } from './client-secret.repository';

/** How authentication finds a minting key by id (the repository; `get` is one HGETALL). */
export interface KeyById {
  get(
    keyId: string,
  ): Promise<{ readonly id: string; readonly tenantId: string; readonly scope: Principal['scope'] } | null>;
}

/**
 * A client secret (`ek_…`) → the principal of the key that minted it, carrying the grant
 * (`Principal.clientSecret`). Two reads: the secret by hash under its tenant's tag, then the minting key,
 * which must still exist (revoking a key ends its secrets at once). Unknown, expired, revoked → 401.
 * Nothing is cached: a revoked secret is refused on the next request on every replica.
 */
export class AuthenticateClientSecret {
  constructor(
    private readonly secrets: ClientSecretRepository,
    private readonly keys: KeyById,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async execute(secret: string): Promise<Principal> {
    const tenantId = tenantOfClientSecret(secret);
    if (!tenantId) throw Errors.invalidClientSecret();
    const record = await this.secrets.find(tenantId, hashSecret(secret), Math.floor(this.now().getTime() / 1000));
    if (!record) throw Errors.invalidClientSecret();
    const key = await this.keys.get(record.keyId);
    if (!key || key.tenantId !== tenantId) throw Errors.invalidClientSecret();
    return {
      tenantId,
      keyId: key.id,
      scope: key.scope,
      clientSecret: { id: record.id, model: record.model, session: record.session, expiresAt: record.expiresAt },
    };
  }
}
