import type { ProviderTimeouts } from '@voxgate/config';
import { Errors, GatewayError, type OpenAIError, UpstreamErrorEnvelopeSchema } from '@voxgate/openai-wire';
import type { HeaderLookup } from '../upstream-transport';

/** The subset of provider config the OpenAI-compatible transport needs (see `ProviderConfigSchema`). */
export interface OpenAICompatibleSettings {
  readonly baseUrl: string;
  readonly apiKey: string;
  /** Keys (and their own base URLs) used in turn by weight instead of `apiKey`; empty: `apiKey` alone. */
  readonly keys: readonly { readonly apiKey: string; readonly weight: number; readonly baseUrl?: string | undefined }[];
  /** Appended to `baseUrl`; `{model}` becomes the URL-encoded upstream model (Azure deployments). */
  readonly chatCompletionsPath: string;
  readonly query: Readonly<Record<string, string>>;
  readonly authHeader: 'bearer' | 'api-key';
  readonly headers: Readonly<Record<string, string>>;
  /** Connect, first-byte, idle and total timeouts (`providers.<id>.timeouts`). */
  readonly timeouts: ProviderTimeouts;
}

/**
 * The chat-completions URL of `settings` (one key target) for `model`. Kept per target and model: a
 * request would otherwise parse and print a `URL` for the same few strings every time. The settings are
 * read once, at the first call for a target (they never change after the adapter was built).
 */
export function chatCompletionsUrl(settings: OpenAICompatibleSettings, model: string): string {
  let byModel = chatUrls.get(settings);
  if (!byModel) chatUrls.set(settings, (byModel = new Map<string, string>()));
  let url = byModel.get(model);
  if (url === undefined) {
    url = buildChatCompletionsUrl(settings, model);
    // Models are the catalogue's or the client's: a client naming ever new models must not grow it for good.
    if (byModel.size >= MAX_URLS_PER_TARGET) byModel.clear();
    byModel.set(model, url);
  }
  return url;
}

const chatUrls = new WeakMap<OpenAICompatibleSettings, Map<string, string>>();
const MAX_URLS_PER_TARGET = 256;

function buildChatCompletionsUrl(settings: OpenAICompatibleSettings, model: string): string {
  const path = settings.chatCompletionsPath.replaceAll('{model}', encodeURIComponent(model));
  const url = new URL(settings.baseUrl + path);
  for (const [key, value] of Object.entries(settings.query)) url.searchParams.set(key, value);
  return url.toString();
}

/**
 * URL of one of the provider's audio routes: `chatCompletionsPath` with its `/chat/completions` suffix
 * replaced by `/audio/speech` (etc.), so Azure's `/deployments/{model}/chat/completions` becomes
 * `/deployments/{model}/audio/speech`; a path without that suffix gets the route appended to `baseUrl`.
 */
export function audioRouteUrl(
  settings: OpenAICompatibleSettings,
  route: 'audio/speech' | 'audio/transcriptions' | 'audio/translations',
  model: string,
): string {
  const chatPath = settings.chatCompletionsPath;
  const base = chatPath.endsWith('/chat/completions') ? chatPath.slice(0, -'/chat/completions'.length) : '';
  const path = `${base}/${route}`.replaceAll('{model}', encodeURIComponent(model));
  const url = new URL(settings.baseUrl + path);
  for (const [key, value] of Object.entries(settings.query)) url.searchParams.set(key, value);
  return url.toString();
}

export function requestHeaders(
  settings: OpenAICompatibleSettings,
  requestId: string,
  stream: boolean,
): Record<string, string> {
  // A fresh object per call, copied from the settings' fixed part: callers add or change headers on it.
  const headers: Record<string, string> = Object.assign({}, fixedHeadersOf(settings));
  headers.accept = stream ? 'text/event-stream' : 'application/json';
  headers['x-request-id'] = requestId;
  return headers;
}

const fixedHeaders = new WeakMap<OpenAICompatibleSettings, Readonly<Record<string, string>>>();

/** The headers that depend on the settings only (agent, configured headers, credentials), built once per settings object. */
function fixedHeadersOf(settings: OpenAICompatibleSettings): Readonly<Record<string, string>> {
  let headers = fixedHeaders.get(settings);
  if (!headers) {
    const auth: Record<string, string> =
      settings.authHeader === 'api-key'
        ? { 'api-key': settings.apiKey }
        : { authorization: `Bearer ${settings.apiKey}` };
    const extra = Object.fromEntries(
      Object.entries(settings.headers).map(([name, value]) => [name.toLowerCase(), value]),
    );
    headers = {
      // `fetch` sent `user-agent: node`; the transport sends none of its own. Configured headers may override.
      'user-agent': 'voxgate',
      ...extra,
      ...auth,
      'content-type': 'application/json',
      // Set per call; here so that the keys keep the order they always had.
      accept: '',
      'x-request-id': '',
    };
    fixedHeaders.set(settings, headers);
  }
  return headers;
}

/**
 * Maps a non-2xx upstream answer to what the client sees. Client mistakes the provider caught (400, 413,
 * 422) keep their status and OpenAI body; rate limits stay 429 so SDKs back off; the provider refusing
 * *our* credentials, not finding a route, or failing is the gateway's problem: 502, with the provider's
 * own words only where they cannot carry a credential.
 */
export function upstreamHttpError(
  provider: string,
  status: number,
  headers: HeaderLookup,
  bodyText: string,
  redact: (text: string) => string,
): GatewayError {
  const parsed = safeJson(bodyText);
  const envelope = UpstreamErrorEnvelopeSchema.safeParse(parsed);
  const found = envelope.success ? envelope.data.error : null;
  // A provider may echo what it was sent (its key in an Authorization header): nothing it says is
  // relayed before every credential is taken out.
  const upstream = found ? redactError(found, redact) : null;
  return toGatewayError(provider, status, headers, upstream).withDiagnostics({
    provider,
    upstreamStatus: status,
    upstreamType: upstream?.type ?? null,
    upstreamCode: upstream?.code ?? null,
    upstreamRequestId: headers.get('x-request-id'),
  });
}

function toGatewayError(
  provider: string,
  status: number,
  headers: HeaderLookup,
  upstream: { message: string; type: string; param: string | null; code: string | null } | null,
): GatewayError {
  if (status === 401 || status === 403) {
    return Errors.upstreamError(
      provider,
      `it rejected the gateway's credentials (HTTP ${status}). An operator must fix the provider key.`,
    );
  }
  if ((status === 400 || status === 413 || status === 422) && upstream) {
    return new GatewayError(status, upstream.type, upstream.code, upstream.message, upstream.param);
  }
  if (status === 429) {
    const retryAfter = headers.get('retry-after');
    return new GatewayError(
      429,
      upstream?.type ?? 'rate_limit_error',
      upstream?.code ?? 'rate_limit_exceeded',
      `The provider '${provider}' is rate limiting requests: ${upstream?.message ?? 'try again later.'}`,
      null,
      retryAfter ? { 'retry-after': retryAfter } : {},
    );
  }
  const detail = upstream ? `HTTP ${status}: ${upstream.message}` : `HTTP ${status}`;
  return Errors.upstreamError(provider, detail);
}

/** Every text field of a provider's error, with credentials taken out. */
export function redactError(error: OpenAIError, redact: (text: string) => string): OpenAIError {
  const nullable = (text: string | null) => (text === null ? null : redact(text));
  return {
    message: redact(error.message),
    type: redact(error.type),
    param: nullable(error.param),
    code: nullable(error.code),
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
