import { GatewayError } from '@voxgate/openai-wire';
import { ConversationError } from './conversation';
import { AppendError } from './input-audio-buffer';
import type { RealtimeErrorDetail } from './server-events';

/**
 * The `error` event's detail for what went wrong handling a client event: the client's own mistakes
 * (conversation, audio buffer) as `invalid_request_error` with their code and param, a `GatewayError` as
 * it is, anything else as a generic `server_error` that reveals nothing.
 */
export function detailOf(error: unknown, eventId: string | null): RealtimeErrorDetail {
  if (error instanceof ConversationError) {
    return {
      type: 'invalid_request_error',
      code: error.code,
      message: error.message,
      param: error.param,
      event_id: eventId,
    };
  }
  if (error instanceof AppendError) {
    return {
      type: 'invalid_request_error',
      code: error.code,
      message: error.message,
      param: 'audio',
      event_id: eventId,
    };
  }
  if (error instanceof GatewayError) {
    return { type: error.type, code: error.code, message: error.message, param: error.param, event_id: eventId };
  }
  return {
    type: 'server_error',
    code: 'server_error',
    message: 'The server had an error while processing the event.',
    param: null,
    event_id: eventId,
  };
}
