import type { GatewayConfig, ModelConfig, OpenAIProviderConfig } from '@voxgate/config';
import { Errors } from '@voxgate/openai-wire';
import { FREE, type ModelPricing } from '@voxgate/metering';

/** Where a pass-through session goes, and what the gateway needs to meter it. */
export interface PassthroughTarget {
  /** The model's snapshot id (metering, logs). */
  readonly model: string;
  /** The provider's name in config (metering). */
  readonly provider: string;
  readonly pricing: ModelPricing;
  /** `ws://` or `wss://` URL of the provider's realtime endpoint, query included. */
  readonly url: string;
  /** Handshake headers, the provider key among them: never logged, never sent to the client. */
  readonly headers: Readonly<Record<string, string>>;
  /** The provider secret(s), to scrub from anything relayed to the client. */
  readonly secrets: readonly string[];
}

/**
 * The pass-through target of `name` (id or alias) when that model is configured `realtime: passthrough`,
 * else null (the session is bridged). The URL follows the provider's shape:
 * - OpenAI and compatible (`authHeader: bearer`): `<baseUrl>/realtime?model=<upstreamModel>`, `Authorization: Bearer`;
 * - Azure (`authHeader: api-key`): `<baseUrl>/realtime?api-version=…&deployment=<upstreamModel>`, `api-key`
 *   (with `baseUrl: https://<resource>.openai.azure.com/openai` and `query: { api-version }` as for chat).
 * `http(s)` becomes `ws(s)`; the provider's `query` and `headers` apply. With `keys`, the first entry is
 * used (its `baseUrl` if it names one): a session is one long connection, not a stream of requests to spread.
 * Throws a 503 when the provider has no credentials or is not an OpenAI-protocol provider.
 */
/**
 * How a model a pass-through session names for another purpose (its input transcription) is metered: the
 * catalogue's id and `pricing` when it lists the name (id or alias), else the name as given, free.
 */
export function meteredModelOf(config: GatewayConfig, name: string): { model: string; pricing: ModelPricing } {
  const model = config.models.find((candidate) => candidate.id === name || candidate.aliases.includes(name));
  return { model: model?.id ?? name, pricing: model?.pricing ?? FREE };
}

export function passthroughTargetOf(config: GatewayConfig, name: string): PassthroughTarget | null {
  const model = config.models.find((candidate) => candidate.id === name || candidate.aliases.includes(name));
  if (!model || model.realtime !== 'passthrough') return null;
  const provider = config.providers[model.provider];
  if (!provider || provider.type !== 'openai') {
    throw Errors.invalidRequest(
      `The model '${name}' is configured for realtime pass-through, but its provider does not speak the OpenAI protocol.`,
      'model',
      'model_not_supported',
    );
  }
  const entry = provider.keys[0];
  const apiKey = entry?.apiKey ?? provider.apiKey;
  if (!apiKey) throw Errors.providerNotConfigured(model.provider, 'no apiKey or keys');
  return {
    model: model.id,
    provider: model.provider,
    pricing: model.pricing ?? FREE,
    url: realtimeUrl(provider, model, entry?.baseUrl ?? provider.baseUrl),
    headers: {
      ...provider.headers,
      ...(provider.authHeader === 'api-key' ? { 'api-key': apiKey } : { authorization: `Bearer ${apiKey}` }),
    },
    secrets: [provider.apiKey, ...provider.keys.map((key) => key.apiKey), ...Object.values(provider.headers)].filter(
      (secret) => secret.length >= 8,
    ),
  };
}

function realtimeUrl(provider: OpenAIProviderConfig, model: ModelConfig, baseUrl: string): string {
  const url = new URL(`${baseUrl}/realtime`);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  for (const [key, value] of Object.entries(provider.query)) url.searchParams.set(key, value);
  const upstream = model.upstreamModel ?? model.id;
  url.searchParams.set(provider.authHeader === 'api-key' ? 'deployment' : 'model', upstream);
  return url.toString();
}
