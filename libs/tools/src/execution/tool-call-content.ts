import type { JsonValue, ToolOutcome } from '../tool-module';

/**
 * The content of the `tool` message fed back to the model for an outcome. JSON, except an `ok` result
 * that is already a string. The confirmation token itself is left out: the model cannot use it (only
 * the client app confirms, see README) and should not read it out to the user.
 */
export function toolCallContent(outcome: ToolOutcome): string {
  switch (outcome.status) {
    case 'ok':
      return typeof outcome.result === 'string' ? outcome.result : JSON.stringify(outcome.result);
    case 'error': {
      const error: Record<string, JsonValue> = { code: outcome.code, message: outcome.message };
      if (outcome.details !== undefined) error.details = outcome.details;
      return JSON.stringify({ status: 'error', error });
    }
    case 'pending':
      return JSON.stringify({ status: 'pending', message: outcome.message });
    case 'confirmation_required':
      return JSON.stringify({
        status: 'confirmation_required',
        message: outcome.message,
        expires_at: outcome.expiresAt,
        summary: outcome.summary,
      });
  }
}
