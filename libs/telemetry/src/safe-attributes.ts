import type { Attributes } from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_SYSTEM,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_OUTCOME,
  ATTR_PROVIDER,
  ATTR_REQUEST_ID,
  ATTR_SESSION_PRESENT,
  ATTR_STREAM,
  ATTR_TENANT_ID,
  ATTR_TOOL_EFFECT,
  ATTR_TOOL_NAME,
  ATTR_TOOL_REPLAYED,
  ATTR_TOOL_RUNS,
  ATTR_TOOL_STATUS,
  ATTR_UPSTREAM_REQUEST_ID,
} from './telemetry.names';

/** The only keys Voxgate puts on spans; anything else is dropped. */
const ALLOWED_KEYS: ReadonlySet<string> = new Set([
  ATTR_TENANT_ID,
  ATTR_REQUEST_ID,
  ATTR_STREAM,
  ATTR_SESSION_PRESENT,
  ATTR_OUTCOME,
  ATTR_PROVIDER,
  ATTR_TOOL_RUNS,
  ATTR_TOOL_NAME,
  ATTR_TOOL_STATUS,
  ATTR_TOOL_REPLAYED,
  ATTR_TOOL_EFFECT,
  ATTR_UPSTREAM_REQUEST_ID,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_SYSTEM,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_ERROR_TYPE,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
]);

/** Ids, names, statuses and model names: one token of this alphabet, no whitespace, short. */
const TOKEN = /^[A-Za-z0-9._:/@+-]{1,128}$/;
/**
 * Values that look like credentials even though they pass `TOKEN`: OpenAI-style keys (`sk-…`, Voxgate's
 * `sk-vg-…`), JWTs, and long unbroken alphanumeric runs (hex or base64 secrets). Voxgate's own ids
 * (`ten_` + 24 hex, `req_…`) stay below the run length.
 */
const SECRET_LIKE = [/(^|[^A-Za-z0-9])(sk|rk|pk)-/i, /^eyJ[A-Za-z0-9_-]{8,}\./, /[A-Za-z0-9]{40,}/];

export type SafeAttributeValue = string | number | boolean | null | undefined;

/** Whether a string may be recorded: a short token that does not look like a secret. */
export function isSafeAttributeText(value: string): boolean {
  return TOKEN.test(value) && !SECRET_LIKE.some((pattern) => pattern.test(value));
}

/**
 * The guard every span attribute passes through: keeps only known keys, finite numbers, booleans and
 * strings that are short tokens not looking like a secret. Free text (messages, tool arguments or results,
 * error messages) has whitespace or is long, so it never passes, even when handed over by mistake.
 * `null`/`undefined` values are left out.
 */
export function safeAttributes(input: Readonly<Record<string, SafeAttributeValue>>): Attributes {
  const out: Attributes = {};
  for (const [key, value] of Object.entries(input)) {
    if (!ALLOWED_KEYS.has(key) || value === null || value === undefined) continue;
    if (typeof value === 'boolean') out[key] = value;
    else if (typeof value === 'number') {
      if (Number.isFinite(value)) out[key] = value;
    } else if (isSafeAttributeText(value)) out[key] = value;
  }
  return out;
}

/**
 * A short, stable name for an error: a catalogue `code` (`upstream_error`, `model_not_found`), else its
 * `type`, else its class name. Never its message, which may echo client or provider text.
 */
export function errorTypeOf(error: unknown): string {
  if (error && typeof error === 'object') {
    const { code, type, name } = error as { code?: unknown; type?: unknown; name?: unknown };
    for (const candidate of [code, type, name]) {
      if (typeof candidate === 'string' && isSafeAttributeText(candidate) && candidate.length <= 64) return candidate;
    }
  }
  return 'error';
}

/** The HTTP status an error maps to, when it carries one (`GatewayError.status`). */
export function errorStatusOf(error: unknown): number | undefined {
  const status = error && typeof error === 'object' ? (error as { status?: unknown }).status : undefined;
  return typeof status === 'number' && Number.isInteger(status) ? status : undefined;
}
