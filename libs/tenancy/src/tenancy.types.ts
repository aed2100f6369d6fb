/** A customer of the gateway. Everything a tenant owns is namespaced by its id. */
export interface Tenant {
  /** `ten_…`, stable, never reused. */
  readonly id: string;
  readonly name: string;
  /** Unix seconds. */
  readonly createdAt: number;
}

/**
 * What a key may do. `client`: completions, models, sessions (what apps ship with). `billing`: read the
 * tenant's usage and nothing else (what a billing system holds).
 */
export const KEY_SCOPES = ['client', 'billing'] as const;
export type KeyScope = (typeof KEY_SCOPES)[number];

/** A tenant's API key, as stored: never the secret itself. */
export interface ApiKeyRecord {
  /** `key_…`, used by ops to revoke. */
  readonly id: string;
  readonly tenantId: string;
  readonly name: string;
  readonly scope: KeyScope;
  /** Unix seconds. */
  readonly createdAt: number;
  /** `sk-vg-…abcd`: enough for a human to recognise the key, useless to an attacker. */
  readonly redactedValue: string;
}

/** Who is calling, as established by the bearer key. */
export interface Principal {
  readonly tenantId: string;
  readonly keyId: string;
  readonly scope: KeyScope;
}

/** Clock and id source, injected so tests are deterministic. */
export interface TenancyEnvironment {
  readonly now: () => Date;
  readonly newId: (prefix: 'ten' | 'key') => string;
}
