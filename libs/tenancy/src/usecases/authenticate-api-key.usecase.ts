import { Errors } from '@voxgate/openai-wire';
import { hashSecret } from '../api-key-secret';
import type { AuthenticateClientSecret } from '../client-secrets/authenticate-client-secret.usecase';
import { CLIENT_SECRET_PREFIX } from '../client-secrets/client-secret-value';
import type { SecretHashLookup } from '../repositories/cached-api-keys';
import type { Principal } from '../tenancy.types';

/**
 * `Authorization` header → principal, or OpenAI's 401 `invalid_api_key`. One lookup by the secret's hash
 * (a Redis GET, or the process's `CachedApiKeys`); the secret itself is never logged, stored or compared
 * in plain text. A client secret (`ek_…`) goes to `clientSecrets` (none: refused like an unknown key).
 */
export class AuthenticateApiKey {
  constructor(
    private readonly keys: SecretHashLookup,
    private readonly clientSecrets?: AuthenticateClientSecret,
  ) {}

  async execute(authorization: string | undefined): Promise<Principal> {
    const secret = bearerToken(authorization);
    if (!secret) throw Errors.missingApiKey();
    if (secret.startsWith(CLIENT_SECRET_PREFIX)) {
      if (!this.clientSecrets) throw Errors.invalidClientSecret();
      return this.clientSecrets.execute(secret);
    }
    const principal = await this.keys.findBySecretHash(hashSecret(secret));
    if (!principal) throw Errors.invalidApiKey();
    return principal;
  }
}

export function bearerToken(authorization: string | undefined): string | null {
  if (!authorization) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  return match?.[1] ?? null;
}
