/** A customer of the gateway. Everything a tenant owns is namespaced by its id. */
export interface Tenant {
  /** `ten_…`, stable, never reused. */
  readonly id: string;
  readonly name: string;
  /** Unix seconds. */
  readonly createdAt: number;
  /**
   * Browser origins (`https://app.example.com`, scheme + host + port, no path) whose pages may call the
   * gateway with this tenant's keys and client secrets (CORS, WebSocket `Origin`). Absent or empty: none.
   */
  readonly corsOrigins?: readonly string[];
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

/**
 * Who is calling, as established by the bearer key. For a client secret (`ek_…`), `keyId` and `scope`
 * are those of the key that minted it (usage and quotas count under that key) and `clientSecret` says
 * what the secret is limited to.
 */
export interface Principal {
  readonly tenantId: string;
  readonly keyId: string;
  readonly scope: KeyScope;
  readonly clientSecret?: ClientSecretGrant;
}

/** What a client secret grants: one model, with the session settings given when it was minted. */
export interface ClientSecretGrant {
  /** `cs_…`: names the secret for revocation; not the secret. */
  readonly id: string;
  /** The model as the minting request named it (an alias or a snapshot id). */
  readonly model: string;
  /**
   * The `session` object of the minting request, as the client sent it (validated by the gateway's
   * realtime schema before it was stored): applied to every realtime session opened with the secret.
   */
  readonly session: Readonly<Record<string, unknown>>;
  /** Unix seconds after which the secret no longer authenticates. */
  readonly expiresAt: number;
}

/** Clock and id source, injected so tests are deterministic. */
export interface TenancyEnvironment {
  readonly now: () => Date;
  readonly newId: (prefix: 'ten' | 'key') => string;
}
