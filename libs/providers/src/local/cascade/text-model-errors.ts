import { GatewayError } from '@voxgate/openai-wire';

/**
 * Chat completions on a local model with no `textModel` (neither the model's nor its provider's): a
 * configuration error, so a 503 that tells SDKs not to retry (`x-should-retry: false`) and that does not
 * count toward the provider's circuit breaker.
 */
export function textModelNotConfigured(provider: string, model: string): GatewayError {
  return new GatewayError(
    503,
    'server_error',
    'text_model_not_configured',
    `The provider '${provider}' has no text model for chat completions on '${model}': set providers.${provider}.textModel (or the model's textModel) to an OpenAI-compatible endpoint or another provider.`,
    null,
    { 'x-should-retry': 'false' },
  );
}
