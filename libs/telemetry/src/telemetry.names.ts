/**
 * Span names, attribute keys and metric names Voxgate emits: one place, so dashboards and alerts can
 * rely on them. GenAI keys follow the OpenTelemetry GenAI semantic conventions where one exists
 * (`gen_ai.*`); the rest are Voxgate's own (`voxgate.*`).
 *
 * Only ids, names, statuses, counts and durations are ever recorded: never secrets, API keys, headers,
 * message content, tool arguments or tool results (see README.md).
 */

/** One `POST /v1/chat/completions` (or batch line), from admission to the last byte. Kind SERVER. */
export const SPAN_CHAT_COMPLETION = 'voxgate.chat.completion';
/** One `POST /v1/audio/speech`; one `POST /v1/audio/transcriptions` or `/translations`. */
export const SPAN_AUDIO_SPEECH = 'voxgate.audio.speech';
export const SPAN_AUDIO_TRANSCRIPTION = 'voxgate.audio.transcription';
/** One server-side tool call executed by the gateway (child of the completion). Kind INTERNAL. */
export const SPAN_TOOL_CALL = 'voxgate.tool.call';
/** One call to the upstream provider (each round of the tool loop is one). Kind CLIENT. */
export const SPAN_UPSTREAM_CALL = 'voxgate.upstream.call';

/** Tenant id (`ten_…`), never the API key. */
export const ATTR_TENANT_ID = 'voxgate.tenant.id';
/** The gateway's request id (`req_…` or the client's well-formed `x-request-id`). */
export const ATTR_REQUEST_ID = 'voxgate.request.id';
/** `true` when the request streams (SSE). */
export const ATTR_STREAM = 'voxgate.stream';
/** `true` when the client named a session (`X-Session-Id`); the id itself is not recorded. */
export const ATTR_SESSION_PRESENT = 'voxgate.session.present';
/** How the request ended: `completed`, `cancelled`, `upstream_error`, `failed` (the metering statuses). */
export const ATTR_OUTCOME = 'voxgate.outcome';
/** Provider id from the config (`openai`, `azure`, `cometapi`, …). */
export const ATTR_PROVIDER = 'voxgate.provider';
/** The provider's own request id (`x-request-id` of its answer), for support tickets. */
export const ATTR_UPSTREAM_REQUEST_ID = 'voxgate.upstream.request_id';
/** Number of server tool runs in the request. */
export const ATTR_TOOL_RUNS = 'voxgate.tool.runs';
/** Registered tool name. */
export const ATTR_TOOL_NAME = 'voxgate.tool.name';
/** Tool outcome: `ok`, `error`, `pending`, `confirmation_required`, … */
export const ATTR_TOOL_STATUS = 'voxgate.tool.status';
/** The outcome came from the idempotency ledger: nothing was executed again. */
export const ATTR_TOOL_REPLAYED = 'voxgate.tool.replayed';
/** The tool's effect class: `read`, `idempotent`, `side_effect`. */
export const ATTR_TOOL_EFFECT = 'voxgate.tool.effect';

/** GenAI semconv: the operation (`chat`). */
export const ATTR_GEN_AI_OPERATION_NAME = 'gen_ai.operation.name';
/** GenAI semconv: the GenAI system; Voxgate records the provider id from the config. */
export const ATTR_GEN_AI_SYSTEM = 'gen_ai.system';
/** GenAI semconv: the model asked for (the client's name on the completion, the upstream name on upstream calls). */
export const ATTR_GEN_AI_REQUEST_MODEL = 'gen_ai.request.model';
/** GenAI semconv: the model that answered (the dated snapshot). */
export const ATTR_GEN_AI_RESPONSE_MODEL = 'gen_ai.response.model';
/** GenAI semconv: prompt tokens (text and audio), summed over the tool loop's rounds on the completion. */
export const ATTR_GEN_AI_USAGE_INPUT_TOKENS = 'gen_ai.usage.input_tokens';
/** GenAI semconv: completion tokens (text and audio). */
export const ATTR_GEN_AI_USAGE_OUTPUT_TOKENS = 'gen_ai.usage.output_tokens';
/** General semconv: the class of error (a catalogue code such as `upstream_error`, or an error name). */
export const ATTR_ERROR_TYPE = 'error.type';
/** HTTP semconv: the status code an error maps to. */
export const ATTR_HTTP_RESPONSE_STATUS_CODE = 'http.response.status_code';

/** Prometheus: server tool calls, by tool, status and whether the outcome was replayed. Counter. */
export const METRIC_TOOL_CALLS = 'voxgate_tool_calls_total';
/** Prometheus: execution time of server tool calls that actually ran (not replayed), by tool. Histogram. */
export const METRIC_TOOL_DURATION = 'voxgate_tool_duration_seconds';
