import { randomBytes } from 'node:crypto';

/** Every client secret starts with this, as OpenAI's do; a bearer token with it is never a tenant key. */
export const CLIENT_SECRET_PREFIX = 'ek_';

/**
 * A new client secret value: `ek_<tenant id>.<256 random bits, base64url>`. The tenant id is in the
 * value so the secret's Redis key can carry the tenant's hash tag (one slot per tenant, ADR 0009 and
 * 0015); it is not a secret and grants nothing by itself: the lookup is by the SHA-256 of the whole value.
 */
export function generateClientSecret(tenantId: string): string {
  return `${CLIENT_SECRET_PREFIX}${tenantId}.${randomBytes(32).toString('base64url')}`;
}

/** The tenant a client secret names, or null for a value not shaped like one (then it authenticates nothing). */
export function tenantOfClientSecret(value: string): string | null {
  if (!value.startsWith(CLIENT_SECRET_PREFIX)) return null;
  const dot = value.lastIndexOf('.');
  const tenantId = value.slice(CLIENT_SECRET_PREFIX.length, dot);
  const random = value.slice(dot + 1);
  if (dot < 0 || !/^[A-Za-z0-9_-]{1,128}$/.test(tenantId) || !/^[A-Za-z0-9_-]{43}$/.test(random)) return null;
  return tenantId;
}
