import type { GatewayConfig } from './config.schema';

/** What stands in for a secret wherever it would have appeared. */
export const REDACTED = '[redacted]';

/**
 * Values shorter than this are not treated as secrets: replacing every "2024" or "true" in provider
 * messages would mangle them, and no real credential is that short.
 */
const MIN_SECRET_CHARS = 8;

/** Query parameters whose values are credentials (`key`, `sig`, `access_token`, …). */
const SECRET_QUERY_NAME = /key|token|secret|auth|sig|pass|credential/i;

/**
 * Credential shapes redacted even when they are not configured here (a provider echoing a key it was
 * sent by someone else, a tool server echoing its own token): bearer tokens and `sk-…` style keys.
 */
const AUTH_SCHEME_TOKEN = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi;
const SK_KEY = /\bsk-[A-Za-z0-9_-]{16,}/g;

/**
 * Removes every configured secret from text before it leaves the process: error messages relayed from a
 * provider to a client, log lines, span attributes. Each secret is matched as written and in the forms
 * an echoing server may use (URL-encoded, JSON-escaped, base64 as in Basic auth).
 */
export class SecretRedactor {
  private readonly pattern: RegExp | null;

  constructor(secrets: Iterable<string>) {
    const forms = new Set<string>();
    for (const secret of secrets) {
      if (secret.length < MIN_SECRET_CHARS) continue;
      forms.add(secret);
      forms.add(encodeURIComponent(secret));
      forms.add(JSON.stringify(secret).slice(1, -1));
      forms.add(Buffer.from(secret).toString('base64').replace(/=+$/, ''));
    }
    // Longest first, so a secret that contains another is replaced whole.
    const alternatives = [...forms].sort((a, b) => b.length - a.length).map(escapeRegExp);
    this.pattern = alternatives.length > 0 ? new RegExp(alternatives.join('|'), 'g') : null;
  }

  /**
   * Every secret the gateway's config holds: provider keys, provider header values and credential-named
   * query values, the admin key, the tools' signing secret and the Redis passwords.
   */
  static fromConfig(config: GatewayConfig, extra: Iterable<string> = []): SecretRedactor {
    const secrets = [...extra, config.admin.key, config.tools.confirmationSecret, ...redisPasswords(config.redis)];
    for (const provider of Object.values(config.providers))
      if (provider.type === 'openai') secrets.push(...providerSecrets(provider));
    return new SecretRedactor(secrets);
  }

  /** `text` with every secret and credential-shaped token replaced by `[redacted]`. */
  redact(text: string): string {
    const configured = this.pattern ? text.replace(this.pattern, REDACTED) : text;
    return configured.replace(AUTH_SCHEME_TOKEN, `$1 ${REDACTED}`).replace(SK_KEY, REDACTED);
  }
}

/** A provider's credentials: its keys, every static header value, credential-named query values. */
export function providerSecrets(provider: {
  readonly apiKey: string;
  readonly keys?: readonly { readonly apiKey: string }[];
  readonly headers: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
}): string[] {
  const keys = (provider.keys ?? []).map((key) => key.apiKey);
  const secrets = [provider.apiKey, ...keys, ...Object.values(provider.headers)];
  for (const [name, value] of Object.entries(provider.query)) if (SECRET_QUERY_NAME.test(name)) secrets.push(value);
  return secrets;
}

/** Every Redis password the config holds: in the URL, in cluster node URLs, and the explicit ones. */
function redisPasswords(redis: GatewayConfig['redis']): string[] {
  return [
    ...[redis.url, ...redis.nodes].flatMap(redisPassword),
    ...[redis.password, redis.sentinelPassword].filter(Boolean),
  ];
}

function redisPassword(url: string): string[] {
  try {
    const password = decodeURIComponent(new URL(url).password);
    return password ? [password] : [];
  } catch {
    return [];
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
