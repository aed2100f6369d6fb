import type { AudioFormatInput, FunctionTool, ToolChoice } from './client-events';
import type { InputTranscription, InputTranscriptionUsage } from './input-transcription';
import type { RateLimit } from './turn-report';

/**
 * The server events the bridge sends (spec `RealtimeServerEvent*`, GA names). Each carries a server
 * `event_id`; the session adds it when it emits, so the shapes below are written without it. Every event
 * here is validated against the spec in the tests.
 */

/** Spec `RealtimeServerEventError.error`. `event_id` is the offending client event's, when known. */
export interface RealtimeErrorDetail {
  /** `invalid_request_error`, `server_error`, or the HTTP error's type (`rate_limit_error`, `tokens`…). */
  readonly type: string;
  readonly code: string | null;
  readonly message: string;
  readonly param: string | null;
  readonly event_id: string | null;
}

export interface ServerVad {
  readonly type: 'server_vad';
  readonly threshold: number;
  readonly prefix_padding_ms: number;
  readonly silence_duration_ms: number;
  readonly idle_timeout_ms: number | null;
  readonly create_response: boolean;
  readonly interrupt_response: boolean;
}

/**
 * Spec `RealtimeTurnDetection` "Semantic VAD". The bridge has no turn-end model: it runs the same VAD as
 * `server_vad` with a silence duration chosen by `eagerness` (`semantic-vad.ts`).
 */
export interface SemanticVad {
  readonly type: 'semantic_vad';
  readonly eagerness: 'low' | 'medium' | 'high' | 'auto';
  readonly create_response: boolean;
  readonly interrupt_response: boolean;
}

export type TurnDetection = ServerVad | SemanticVad;

export type AudioFormat = { type: 'audio/pcm'; rate: 24000 } | { type: 'audio/pcmu' } | { type: 'audio/pcma' };
export type { AudioFormatInput };

/** The full effective session (spec `RealtimeSessionCreateResponseGA`), sent in `session.created|updated`. */
export interface RealtimeSessionObject {
  readonly type: 'realtime';
  readonly object: 'realtime.session';
  readonly id: string;
  readonly model: string;
  readonly expires_at: number;
  readonly output_modalities: ['audio'] | ['text'];
  readonly instructions: string;
  readonly audio: {
    readonly input: {
      readonly format: AudioFormat;
      /** Input audio transcription of each committed user turn; null: off (the default). */
      readonly transcription: InputTranscription | null;
      readonly turn_detection: TurnDetection | null;
    };
    readonly output: { readonly format: AudioFormat; readonly voice: string; readonly speed: number };
  };
  readonly tools: readonly FunctionTool[];
  readonly tool_choice: ToolChoice;
  readonly max_output_tokens: number | 'inf';
  readonly tracing: null;
}

export type ItemStatus = 'completed' | 'incomplete' | 'in_progress';

export type MessageContent =
  | { type: 'input_text'; text: string }
  /**
   * `transcript` is null until known, as OpenAI sends it (the spec says string; `@openai/agents-realtime`
   * requires the key, string or null).
   */
  | { type: 'input_audio'; transcript: string | null }
  | { type: 'output_text'; text: string }
  | { type: 'output_audio'; transcript: string };

/** Spec `RealtimeConversationItem` as sent: audio bytes are never echoed (clients hold their own). */
export type ConversationItemObject =
  | {
      id: string;
      object: 'realtime.item';
      type: 'message';
      status: ItemStatus;
      role: 'user' | 'assistant' | 'system';
      content: MessageContent[];
    }
  | {
      id: string;
      object: 'realtime.item';
      type: 'function_call';
      status: ItemStatus;
      call_id: string;
      name: string;
      arguments: string;
    }
  | {
      id: string;
      object: 'realtime.item';
      type: 'function_call_output';
      status: ItemStatus;
      call_id: string;
      output: string;
    };

export interface ResponseUsage {
  total_tokens: number;
  input_tokens: number;
  output_tokens: number;
  input_token_details: { text_tokens: number; audio_tokens: number; cached_tokens: number };
  output_token_details: { text_tokens: number; audio_tokens: number };
}

export type ResponseStatus = 'in_progress' | 'completed' | 'cancelled' | 'failed' | 'incomplete';

/** Spec `RealtimeResponse`. */
export interface ResponseObject {
  id: string;
  object: 'realtime.response';
  status: ResponseStatus;
  /** Absent while in progress and when completed (the spec does not allow null). */
  status_details?: {
    type: Exclude<ResponseStatus, 'in_progress'>;
    reason?: 'turn_detected' | 'client_cancelled' | 'max_output_tokens' | 'content_filter';
    error?: { type: string; code: string };
  };
  output: ConversationItemObject[];
  conversation_id: string;
  output_modalities: ['audio'] | ['text'];
  max_output_tokens: number | 'inf';
  audio: { output: { format: AudioFormat; voice: string } };
  /** Absent until the response is done, and when the upstream reported none. */
  usage?: ResponseUsage;
  metadata: Record<string, string> | null;
}

interface PartRef {
  response_id: string;
  item_id: string;
  output_index: number;
  content_index: number;
}

/** Every event the bridge sends, without `event_id` (added on emit). */
export type ServerEvent =
  | { type: 'error'; error: RealtimeErrorDetail }
  | { type: 'session.created' | 'session.updated'; session: RealtimeSessionObject }
  | { type: 'conversation.created'; conversation: { id: string; object: 'realtime.conversation' } }
  | { type: 'input_audio_buffer.speech_started'; audio_start_ms: number; item_id: string }
  | { type: 'input_audio_buffer.speech_stopped'; audio_end_ms: number; item_id: string }
  | { type: 'input_audio_buffer.committed'; previous_item_id: string | null; item_id: string }
  | { type: 'input_audio_buffer.cleared' }
  | {
      type: 'conversation.item.added' | 'conversation.item.done';
      previous_item_id: string | null;
      item: ConversationItemObject;
    }
  | { type: 'conversation.item.retrieved'; item: ConversationItemObject }
  | { type: 'conversation.item.input_audio_transcription.delta'; item_id: string; content_index: number; delta: string }
  | {
      type: 'conversation.item.input_audio_transcription.completed';
      item_id: string;
      content_index: number;
      transcript: string;
      usage: InputTranscriptionUsage;
    }
  | {
      type: 'conversation.item.input_audio_transcription.failed';
      item_id: string;
      content_index: number;
      error: { type: string; code: string; message: string; param?: string };
    }
  | { type: 'conversation.item.deleted'; item_id: string }
  | { type: 'conversation.item.truncated'; item_id: string; content_index: number; audio_end_ms: number }
  | { type: 'response.created' | 'response.done'; response: ResponseObject }
  | { type: 'rate_limits.updated'; rate_limits: RateLimit[] }
  | {
      type: 'response.output_item.added' | 'response.output_item.done';
      response_id: string;
      output_index: number;
      item: ConversationItemObject;
    }
  | ({ type: 'response.content_part.added' | 'response.content_part.done'; part: ContentPart } & PartRef)
  | ({ type: 'response.output_audio.delta'; delta: string } & PartRef)
  | ({ type: 'response.output_audio.done' } & PartRef)
  | ({ type: 'response.output_audio_transcript.delta'; delta: string } & PartRef)
  | ({ type: 'response.output_audio_transcript.done'; transcript: string } & PartRef)
  | ({ type: 'response.output_text.delta'; delta: string } & PartRef)
  | ({ type: 'response.output_text.done'; text: string } & PartRef)
  | {
      type: 'response.function_call_arguments.delta';
      response_id: string;
      item_id: string;
      output_index: number;
      call_id: string;
      delta: string;
    }
  | {
      type: 'response.function_call_arguments.done';
      response_id: string;
      item_id: string;
      output_index: number;
      call_id: string;
      name: string;
      arguments: string;
    };

export type ContentPart = { type: 'audio'; transcript: string } | { type: 'text'; text: string };

/** A server event as written to the socket. */
export type OutgoingServerEvent = ServerEvent & { event_id: string };
