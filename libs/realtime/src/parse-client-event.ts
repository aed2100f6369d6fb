import type { z } from 'zod';
import { type ClientEvent, ClientEventSchema } from './client-events';
import type { RealtimeErrorDetail } from './server-events';

export type ParsedClientEvent = { ok: true; event: ClientEvent } | { ok: false; error: RealtimeErrorDetail };

const KNOWN_TYPES: ReadonlySet<string> = new Set(ClientEventSchema.options.map((option) => option.shape.type.value));

/**
 * Parses one text frame into a client event. Never throws: bad JSON, a missing or unknown `type`, or a
 * field that fails the schema becomes the detail of an `error` server event (`invalid_request_error`,
 * code `invalid_event` / `unknown_event` / `invalid_value`, `param` naming the field), carrying the
 * offending event's `event_id` when it had a readable one.
 */
export function parseClientEvent(text: string): ParsedClientEvent {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return invalid('invalid_json', 'The event is not valid JSON.', null, null);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return invalid('invalid_event', 'The event must be a JSON object.', null, null);
  }
  const record = raw as Record<string, unknown>;
  const eventId = typeof record.event_id === 'string' ? record.event_id.slice(0, 512) : null;
  if (typeof record.type !== 'string') {
    return invalid('invalid_event', "The 'type' field is missing.", 'type', eventId);
  }
  if (!KNOWN_TYPES.has(record.type)) {
    return invalid(
      'unknown_event',
      `Unknown or unsupported event type '${record.type.slice(0, 100)}'.`,
      'type',
      eventId,
    );
  }
  const parsed = ClientEventSchema.safeParse(raw);
  if (parsed.success) return { ok: true, event: parsed.data };
  const issue = firstIssue(parsed.error);
  return invalid('invalid_value', issue.message, issue.param, eventId);
}

function firstIssue(error: z.ZodError): { message: string; param: string | null } {
  const issue = error.issues[0];
  if (!issue) return { message: 'Invalid event.', param: null };
  const path = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    const param = path ? `${path}.${key}` : key;
    return { message: `Unknown parameter: '${param}'.`, param };
  }
  return { message: `Invalid value for '${path || 'event'}': ${issue.message}`, param: path || null };
}

function invalid(code: string, message: string, param: string | null, eventId: string | null): ParsedClientEvent {
  return { ok: false, error: { type: 'invalid_request_error', code, message, param, event_id: eventId } };
}
